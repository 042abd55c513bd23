package kurrentdb

import (
	"context"
	"sync"
	"time"
)

// headRead is one read of a stream's head, shared by the callers that
// joined it before it started.
type headRead struct {
	done chan struct{}
	h    head
	err  error
}

// headReads merges concurrent reads of one stream's head. A caller never
// joins a read already running, only the next one to start, so what it
// gets was read after it asked: merging changes how many reads reach the
// server, never what a caller may see. Many writers polling one hot
// stream (each "read the version, append at it, retry on conflict") then
// cost a couple of reads per round instead of one each.
type headReads struct {
	mu      sync.Mutex
	running map[string]bool
	next    map[string]*headRead
}

// readTimeout bounds a shared read, which no single caller's context owns.
const readTimeout = 30 * time.Second

// last returns the stream's head as the server has it (and caches it).
func (s *Store) last(ctx context.Context, stream string) (head, error) {
	r := s.reads.join(stream, func(r *headRead) { s.serveReads(stream, r) })
	select {
	case <-r.done:
		return r.h, r.err
	case <-ctx.Done():
		return head{}, ctx.Err()
	}
}

// join returns the read the caller waits for, starting it with start when
// no read of stream is running.
func (c *headReads) join(stream string, start func(*headRead)) *headRead {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.next[stream]
	if r == nil {
		r = &headRead{done: make(chan struct{})}
		c.next[stream] = r
	}
	if !c.running[stream] {
		c.running[stream] = true
		delete(c.next, stream)
		go start(r)
	}
	return r
}

// serveReads performs r, then the reads callers joined meanwhile, until
// none is waiting.
func (s *Store) serveReads(stream string, r *headRead) {
	for r != nil {
		ctx, cancel := context.WithTimeout(s.ctx, readTimeout)
		r.h, r.err = s.readHead(ctx, stream)
		cancel()
		close(r.done)
		c := &s.reads
		c.mu.Lock()
		if r = c.next[stream]; r != nil {
			delete(c.next, stream)
		} else {
			delete(c.running, stream)
		}
		c.mu.Unlock()
	}
}
