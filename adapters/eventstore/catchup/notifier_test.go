package catchup

import (
	"testing"
	"time"
)

func TestBroadcastWakesAllWaiters(t *testing.T) {
	var n Notifier
	n.Broadcast() // nobody waiting: must not panic or leave a closed channel
	waits := []<-chan struct{}{n.Wait(), n.Wait(), n.Wait()}
	select {
	case <-waits[0]:
		t.Fatal("woken before Broadcast")
	default:
	}
	n.Broadcast()
	for i, w := range waits {
		select {
		case <-w:
		case <-time.After(time.Second):
			t.Fatalf("waiter %d not woken", i)
		}
	}
	select {
	case <-n.Wait():
		t.Fatal("a new Wait must not see the previous Broadcast")
	default:
	}
}
