package application

import (
	"container/list"
	"sync"

	"github.com/webos-engine/webos/domain"
)

// streamCache keeps recently used streams in decoded form (an optional
// snapshot plus the events after it), so that loading an aggregate reads
// only what was appended since. Entries are immutable: every update
// stores a new one. It is bounded by the number of events held, evicting
// the least recently used streams.
type streamCache struct {
	mu        sync.Mutex
	maxEvents int
	held      int
	lru       *list.List // of *cachedStream, most recent first
	byID      map[string]*list.Element
}

// cachedStream is a stream up to version: the snapshot (if any), then
// events, the decoded events after the snapshot's version (or from 1).
type cachedStream struct {
	id       string
	snapshot *Snapshot
	events   []domain.Event
	version  uint64
}

// base is the version the events start after.
func (s cachedStream) base() uint64 { return s.version - uint64(len(s.events)) }

func newStreamCache(maxEvents int) *streamCache {
	return &streamCache{maxEvents: maxEvents, lru: list.New(), byID: map[string]*list.Element{}}
}

// get returns the cached form of stream id, if any.
func (c *streamCache) get(id string) (cachedStream, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[id]
	if !ok {
		return cachedStream{}, false
	}
	c.lru.MoveToFront(el)
	return *el.Value.(*cachedStream), true
}

// extend stores from followed by more, the events after from.version up
// to version to, unless the cache already holds a newer version.
func (c *streamCache) extend(from cachedStream, more []domain.Event, to uint64) {
	events := make([]domain.Event, 0, len(from.events)+len(more))
	from.events = append(append(events, from.events...), more...)
	from.version = to
	c.put(from)
}

// put stores s unless the cache holds a newer version of the stream.
func (c *streamCache) put(s cachedStream) {
	if c.maxEvents <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byID[s.id]; ok {
		if el.Value.(*cachedStream).version > s.version {
			return
		}
		c.remove(el)
	}
	c.byID[s.id] = c.lru.PushFront(&s)
	c.held += len(s.events)
	for c.held > c.maxEvents && c.lru.Len() > 0 {
		c.remove(c.lru.Back())
	}
}

func (c *streamCache) remove(el *list.Element) {
	s := el.Value.(*cachedStream)
	c.lru.Remove(el)
	delete(c.byID, s.id)
	c.held -= len(s.events)
}
