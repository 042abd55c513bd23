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
	c.extend(cachedStream{id: "a"}, ticks(4), 4)
	c.extend(cachedStream{id: "a"}, ticks(3), 3) // older than what is held: ignored
	if s, ok := c.get("a"); !ok || len(s.events) != 4 || s.version != 4 || s.base() != 0 {
		t.Fatalf("a: %+v", s)
	}
	c.extend(cachedStream{id: "b"}, ticks(5), 5)
	c.get("a")                                   // a is now the most recent
	c.extend(cachedStream{id: "c"}, ticks(3), 3) // 12 > 10: evicts b, the least recent
	if _, ok := c.get("b"); ok {
		t.Fatal("b should have been evicted")
	}
	snap := &Snapshot{StreamID: "a", Version: 4}
	c.put(cachedStream{id: "a", snapshot: snap, version: 4}) // a snapshot replaces the events
	s, _ := c.get("a")
	c.extend(s, ticks(2), 6)
	if s, _ := c.get("a"); s.snapshot != snap || len(s.events) != 2 || s.base() != 4 {
		t.Fatalf("a after snapshot: %+v", s)
	}
	if c.held != 5 {
		t.Fatalf("held %d events, want 5", c.held)
	}
}
