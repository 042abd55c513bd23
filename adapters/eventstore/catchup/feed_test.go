package catchup

import (
	"context"
	"errors"
	"sync"

	"github.com/webos-engine/webos/domain"
)

// fakeLog is an in-memory global feed whose appends broadcast
// only when notify is set, to tell the notifier from the poll apart.
type fakeLog struct {
	mu     sync.Mutex
	events []domain.Envelope
	fail   error
	n      Notifier
}

func (l *fakeLog) append(count int, notify bool) {
	l.mu.Lock()
	for range count {
		l.events = append(l.events, domain.Envelope{Position: uint64(len(l.events) + 1)})
	}
	l.mu.Unlock()
	if notify {
		l.n.Broadcast()
	}
}

func (l *fakeLog) read(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return nil, l.fail
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rest := l.events[min(after, uint64(len(l.events))):]
	return append([]domain.Envelope(nil), rest[:min(limit, len(rest))]...), nil
}

func (l *fakeLog) setFail(err error) {
	l.mu.Lock()
	l.fail = err
	l.mu.Unlock()
}

var errBoom = errors.New("boom")
