package sagas

import "sync"

// streamLocks serialises the inputs of one instance inside the process;
// across processes the event store's expected version does.
type streamLocks struct {
	mu    sync.Mutex
	locks map[string]*streamLock
}

type streamLock struct {
	mu   sync.Mutex
	refs int
}

func newStreamLocks() *streamLocks { return &streamLocks{locks: map[string]*streamLock{}} }

// lock locks stream and returns its unlock.
func (l *streamLocks) lock(stream string) func() {
	l.mu.Lock()
	s := l.locks[stream]
	if s == nil {
		s = &streamLock{}
		l.locks[stream] = s
	}
	s.refs++
	l.mu.Unlock()
	s.mu.Lock()
	return func() {
		s.mu.Unlock()
		l.mu.Lock()
		s.refs--
		if s.refs == 0 {
			delete(l.locks, stream)
		}
		l.mu.Unlock()
	}
}
