package postgres

import (
	"hash/maphash"
	"sync"
)

// headSlots is how many stream heads a Store remembers: a direct-mapped
// table, so memory stays bounded (about 100 bytes a slot) however many
// streams are written, and a stream whose slot another took costs one
// round trip more on its next append, never a wrong one.
const headSlots = 4096

// streamHead is the version and hash of a stream's last event.
type streamHead struct {
	version uint64
	hash    string
}

// headCache remembers the head of recently written or read streams: the
// guess an append chains its events on before the server checks it (see
// appendGuessed). A guess can be stale, since other processes append
// too; the server then answers with the real head. It is safe for
// concurrent use.
type headCache struct {
	seed  maphash.Seed
	mu    sync.Mutex
	slots [headSlots]struct {
		stream string
		head   streamHead
	}
}

func newHeadCache() *headCache { return &headCache{seed: maphash.MakeSeed()} }

func (c *headCache) slot(stream string) int {
	return int(maphash.String(c.seed, stream) % headSlots)
}

// get returns the remembered head of stream, if any.
func (c *headCache) get(stream string) (streamHead, bool) {
	i := c.slot(stream)
	c.mu.Lock()
	defer c.mu.Unlock()
	s := &c.slots[i]
	return s.head, s.stream == stream && stream != ""
}

// put remembers h as the head of stream, taking the slot of whatever
// stream held it.
func (c *headCache) put(stream string, h streamHead) {
	i := c.slot(stream)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slots[i].stream, c.slots[i].head = stream, h
}
