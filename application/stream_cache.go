package application

import (
	"container/list"
	"sync"

	"github.com/webos-engine/webos/domain"
)

// streamCache holds one entry per stream in use or recently used: the
// lock that serialises commands on the stream, and the best state known
// of it. It is bounded by the number of streams, each holding at most one
// aggregate or one snapshot, evicting the least recently used entries
// that nobody holds.
type streamCache struct {
	mu   sync.Mutex
	max  int        // entries kept when idle; <= 0 keeps none
	lru  *list.List // of *streamEntry, most recent first
	byID map[string]*list.Element
}

// streamEntry is one stream's lock and state. refs is guarded by the
// cache's mu; queue and leading by qmu; everything else by mu, the
// stream's lock.
type streamEntry struct {
	id   string
	refs int
	mu   sync.Mutex
	streamState

	qmu     sync.Mutex
	queue   []*queuedCommand
	leading bool
}

// streamState is the best state known of a stream. live is the aggregate
// the last command left behind, owned by the entry and handed only to the
// holder of its lock; liveHash is the hash of the event at its version.
// snapshot is encoded state, copied into every aggregate restored from
// it. saved is the version of the newest snapshot known to be stored.
type streamState struct {
	live     domain.Aggregate
	liveHash string
	snapshot *Snapshot
	saved    uint64
}

func newStreamCache(maxStreams int) *streamCache {
	return &streamCache{max: maxStreams, lru: list.New(), byID: map[string]*list.Element{}}
}

// hold returns the entry of stream id, kept in the cache until the
// caller drops it.
func (c *streamCache) hold(id string) *streamEntry {
	c.mu.Lock()
	el, ok := c.byID[id]
	if ok {
		c.lru.MoveToFront(el)
	} else {
		el = c.lru.PushFront(&streamEntry{id: id})
		c.byID[id] = el
	}
	e := el.Value.(*streamEntry)
	e.refs++
	c.mu.Unlock()
	return e
}

// drop lets go of a held e and returns the entries evicted to keep the
// bound. Nobody holds an evicted entry, so the caller may read its state
// freely.
func (c *streamCache) drop(e *streamEntry) []*streamEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.refs--
	var evicted []*streamEntry
	for el := c.lru.Back(); el != nil && c.lru.Len() > max(c.max, 0); {
		prev := el.Prev()
		if v := el.Value.(*streamEntry); v.refs == 0 {
			c.lru.Remove(el)
			delete(c.byID, v.id)
			evicted = append(evicted, v)
		}
		el = prev
	}
	return evicted
}

// len is the number of entries held.
func (c *streamCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
