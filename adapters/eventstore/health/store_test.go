package health

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// broken fails appends and stream reads while fail is set; Head works,
// as a cached page would let it.
type broken struct {
	*memory.Store
	fail bool
}

var errDisk = errors.New("disk I/O error (778)")

func (b *broken) Append(ctx context.Context, s string, e domain.ExpectedVersion, evs []domain.Envelope) ([]domain.Envelope, error) {
	if b.fail {
		return nil, errDisk
	}
	return b.Store.Append(ctx, s, e, evs)
}

func (b *broken) ReadStream(ctx context.Context, s string, from uint64, d application.Direction, n int) ([]domain.Envelope, error) {
	if b.fail {
		return nil, errDisk
	}
	return b.Store.ReadStream(ctx, s, from, d, n)
}

func TestCheckReflectsRecentFailures(t *testing.T) {
	ctx := context.Background()
	inner := &broken{Store: memory.New()}
	s := Track(inner)
	now := time.Now()
	s.now = func() time.Time { return now }
	ev := func(id string) []domain.Envelope {
		return []domain.Envelope{{ID: id, Type: "t.E", SchemaVersion: 1, Data: []byte(`{}`)}}
	}
	if _, err := s.Append(ctx, "s", domain.NoStream, ev("1")); err != nil || s.Check(ctx) != nil {
		t.Fatalf("healthy store: append %v, check %v", err, s.Check(ctx))
	}
	// A conflict is the caller's problem, not the store's.
	if _, err := s.Append(ctx, "s", domain.NoStream, ev("2")); domain.KindOf(err) != domain.KindConflict || s.Check(ctx) != nil {
		t.Fatalf("conflict: %v, check %v", err, s.Check(ctx))
	}
	inner.fail = true
	if _, err := s.Append(ctx, "s", 1, ev("3")); !errors.Is(err, errDisk) {
		t.Fatal(err)
	}
	if err := s.Check(ctx); !errors.Is(err, errDisk) || !strings.Contains(err.Error(), "append") {
		t.Fatalf("after a failed append: check %v", err)
	}
	inner.fail = false
	if _, err := s.Append(ctx, "s", 1, ev("4")); err != nil || s.Check(ctx) != nil {
		t.Fatalf("a successful append clears the failure: %v, check %v", err, s.Check(ctx))
	}
	inner.fail = true
	_, _ = s.ReadStream(ctx, "s", 0, application.Forward, 0)
	if err := s.Check(ctx); !errors.Is(err, errDisk) {
		t.Fatalf("after a failed read, with Head still working: check %v", err)
	}
	now = now.Add(Window)
	if err := s.Check(ctx); err != nil {
		t.Fatalf("a failure older than the window still counts: %v", err)
	}
}
