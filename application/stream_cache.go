package application

import (
	"container/list"
	"sync"

	"github.com/webos-engine/webos/domain"
)

// streamCache keeps the decoded events of recently used streams, so that
// loading an aggregate reads only what was appended since. Entries are
// immutable: readers get a slice nobody appends to, and every update
// stores a new one. It is bounded by the total number of events held,
// evicting the least recently used streams.
type streamCache struct {
	mu        sync.Mutex
	maxEvents int
	held      int
	lru       *list.List // of *cachedStream, most recent first
	byID      map[string]*list.Element
}

// cachedStream is a stream's events from version 1 up to version.
type cachedStream struct {
	id      string
	version uint64
	events  []domain.Event
}

func newStreamCache(maxEvents int) *streamCache {
	return &streamCache{maxEvents: maxEvents, lru: list.New(), byID: map[string]*list.Element{}}
}

// get returns the cached events of stream id (nil, 0 when none).
func (c *streamCache) get(id string) ([]domain.Event, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[id]
	if !ok {
		return nil, 0
	}
	c.lru.MoveToFront(el)
	s := el.Value.(*cachedStream)
	return s.events, s.version
}

// extend records that stream id, known up to version from, now has more
// events up to version to. If the cache holds another version of the
// stream than from (another writer got there first), it keeps that.
func (c *streamCache) extend(id string, from uint64, more []domain.Event, to uint64) {
	if len(more) == 0 || c.maxEvents <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var old []domain.Event
	if el, ok := c.byID[id]; ok {
		s := el.Value.(*cachedStream)
		if s.version != from {
			return
		}
		old = s.events
		c.remove(el)
	} else if from != 0 {
		return // the start of the stream is not known here
	}
	events := make([]domain.Event, 0, len(old)+len(more))
	events = append(append(events, old...), more...)
	c.byID[id] = c.lru.PushFront(&cachedStream{id: id, version: to, events: events})
	c.held += len(events)
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
