package application

import (
	"testing"

	"github.com/webos-engine/webos/domain"
)

type tick struct{}

func (tick) EventType() string { return "t.Tick" }

func ticks(n int) []domain.Event {
	out := make([]domain.Event, n)
	for i := range out {
		out[i] = tick{}
	}
	return out
}

func TestStreamCache(t *testing.T) {
	t.Parallel()
	c := newStreamCache(10)
	c.extend("a", 3, ticks(2), 5) // the start of a is unknown: ignored
	if evs, v := c.get("a"); evs != nil || v != 0 {
		t.Fatalf("a partial stream was cached: %d events at %d", len(evs), v)
	}
	c.extend("a", 0, ticks(4), 4)
	c.extend("a", 2, ticks(1), 3) // stale writer: ignored
	if evs, v := c.get("a"); len(evs) != 4 || v != 4 {
		t.Fatalf("a: %d events at version %d, want 4 at 4", len(evs), v)
	}
	c.extend("b", 0, ticks(5), 5)
	c.get("a")                    // a is now the most recent
	c.extend("c", 0, ticks(3), 3) // 12 > 10: evicts b, the least recent
	if evs, _ := c.get("b"); evs != nil {
		t.Fatal("b should have been evicted")
	}
	if evs, _ := c.get("a"); len(evs) != 4 {
		t.Fatal("a should have stayed")
	}
	if c.held != 7 {
		t.Fatalf("held %d events, want 7", c.held)
	}
}
