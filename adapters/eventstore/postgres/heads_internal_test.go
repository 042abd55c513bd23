package postgres

import (
	"strconv"
	"sync"
	"testing"
)

// TestHeadCacheIsBounded writes far more streams than there are slots from
// several goroutines: each lookup finds the stream's own head or none, and
// at most headSlots are kept.
func TestHeadCacheIsBounded(t *testing.T) {
	c := newHeadCache()
	const streams = 3 * headSlots
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := g; i < streams; i += 4 {
				name := "s" + strconv.Itoa(i)
				c.put(name, streamHead{version: uint64(i), hash: name})
				if h, ok := c.get(name); ok && (h.version != uint64(i) || h.hash != name) {
					t.Errorf("%s: got the head %+v", name, h)
				}
			}
		})
	}
	wg.Wait()
	kept := 0
	for i := range streams {
		name := "s" + strconv.Itoa(i)
		if h, ok := c.get(name); ok {
			kept++
			if h.version != uint64(i) || h.hash != name {
				t.Fatalf("%s: got the head %+v", name, h)
			}
		}
	}
	if kept == 0 || kept > headSlots {
		t.Fatalf("%d heads kept, want 1..%d", kept, headSlots)
	}
	if _, ok := c.get(""); ok {
		t.Fatal("an empty stream name has a head")
	}
}
