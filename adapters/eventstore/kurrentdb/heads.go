package kurrentdb

import (
	"hash/maphash"
	"sync"
)

// head is a stream's last known event: its version and hash.
type head struct {
	version uint64
	hash    string
}

// maxHeads bounds the head cache; past it, an arbitrary entry is dropped.
const maxHeads = 4096

// heads caches the last known head of recently used streams, and
// serialises this process's appends to one stream (by stripes).
//
// The cache only saves reads: the server still checks every append's
// expected revision. An entry may lag behind the server (another process
// appended) but is never wrong, since the event at a version never
// changes: so an append whose expected version is below the cached one is
// refused without a round trip, and one that matches it chains onto the
// cached hash (the server refuses it if the stream moved on). Serialising
// a process's appends to a stream means its own writers do not race each
// other at the server: the loser of a race fails on the cache instead.
type heads struct {
	mu      sync.Mutex
	known   map[string]head
	seed    maphash.Seed
	stripes [64]sync.Mutex
}

func newHeads() *heads {
	return &heads{known: map[string]head{}, seed: maphash.MakeSeed()}
}

// lock serialises appends to stream within this process.
func (h *heads) lock(stream string) func() {
	m := &h.stripes[maphash.String(h.seed, stream)%uint64(len(h.stripes))]
	m.Lock()
	return m.Unlock
}

func (h *heads) get(stream string) (head, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.known[stream]
	return v, ok
}

// put records a head read or written; an older one than known is ignored.
func (h *heads) put(stream string, v head) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if old, ok := h.known[stream]; ok && old.version >= v.version {
		return
	}
	if len(h.known) >= maxHeads {
		for k := range h.known {
			delete(h.known, k)
			break
		}
	}
	h.known[stream] = v
}
