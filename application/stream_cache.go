package application

import (
	"container/list"
	"sync"

	"github.com/webos-engine/webos/domain"
)

// streamCache holds one entry per stream in use or recently used: the
// lock that serialises commands on the stream, and the best state known
// of it. It is bounded by the number of streams, each holding at most one
// aggregate or one snapshot, and evicts only entries that nobody holds.
//
// It is a segmented LRU, so that one pass over many cold streams (an
// export, a report loading every item, a bulk import) cannot evict the
// streams in steady use: a new entry is on probation; used again while
// cached, it is protected. Eviction takes the least recently used entries
// on probation first, and protected ones only when no entry on probation
// can go. The protected segment keeps at most max - max/5 entries (at
// least one fewer than max), moving its least recently used back onto
// probation, so a new entry always has room to prove itself and a hot set
// that changes is relearnt.
type streamCache struct {
	mu           sync.Mutex
	max          int // entries kept when idle; <= 0 keeps none
	protectedMax int
	probation    *list.List // of *streamEntry, most recent first
	protected    *list.List // of *streamEntry, most recent first
	byID         map[string]*list.Element
}

// streamEntry is one stream's lock and state. refs and protected are
// guarded by the cache's mu; queue and leading by qmu; everything else by
// mu, the stream's lock.
type streamEntry struct {
	id        string
	refs      int
	protected bool
	mu        sync.Mutex
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
	return &streamCache{
		max: maxStreams, protectedMax: max(maxStreams-max(maxStreams/5, 1), 0),
		probation: list.New(), protected: list.New(), byID: map[string]*list.Element{},
	}
}

// hold returns the entry of stream id, kept in the cache until the
// caller drops it. It counts as a use: a second one protects the entry.
func (c *streamCache) hold(id string) *streamEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[id]
	switch {
	case !ok:
		el = c.probation.PushFront(&streamEntry{id: id})
		c.byID[id] = el
	case el.Value.(*streamEntry).protected:
		c.protected.MoveToFront(el)
	default:
		c.move(el, c.probation, c.protected)
		for c.protected.Len() > c.protectedMax {
			c.move(c.protected.Back(), c.protected, c.probation)
		}
	}
	e := c.byID[id].Value.(*streamEntry)
	e.refs++
	return e
}

// move takes el from one segment to the front of the other.
func (c *streamCache) move(el *list.Element, from, to *list.List) {
	e := from.Remove(el).(*streamEntry)
	e.protected = to == c.protected
	c.byID[e.id] = to.PushFront(e)
}

// drop lets go of a held e and returns the entries evicted to keep the
// bound. Nobody holds an evicted entry, so the caller may read its state
// freely.
func (c *streamCache) drop(e *streamEntry) []*streamEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.refs--
	var evicted []*streamEntry
	for _, seg := range []*list.List{c.probation, c.protected} {
		for el := seg.Back(); el != nil && c.size() > max(c.max, 0); {
			prev := el.Prev()
			if v := el.Value.(*streamEntry); v.refs == 0 {
				seg.Remove(el)
				delete(c.byID, v.id)
				evicted = append(evicted, v)
			}
			el = prev
		}
	}
	return evicted
}

// len is the number of entries held.
func (c *streamCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size()
}

// size is len with c.mu held.
func (c *streamCache) size() int { return c.probation.Len() + c.protected.Len() }
