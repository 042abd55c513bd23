package application

import (
	"context"
	"fmt"
	"testing"

	"github.com/webos-engine/webos/domain"
)

func TestStreamCacheEvictsIdleEntriesOnly(t *testing.T) {
	t.Parallel()
	c := newStreamCache(2)
	held := c.hold("held")
	want := map[string]string{"a": "", "b": "a", "c": "b"} // held is in use, never evicted
	for _, id := range []string{"a", "b", "c"} {
		if evicted := ids(c.drop(c.hold(id))); fmt.Sprint(evicted) != fmt.Sprint([]string{want[id]}) && (want[id] != "" || len(evicted) > 0) {
			t.Fatalf("releasing %s evicted %v, want %q", id, evicted, want[id])
		}
	}
	if n := c.len(); n != 2 {
		t.Fatalf("%d entries, want held and c", n)
	}
	if evicted := c.drop(held); len(evicted) != 0 {
		t.Fatalf("held was used last, yet %v was evicted", ids(evicted))
	}
	off := newStreamCache(-1)
	if evicted := off.drop(off.hold("x")); len(evicted) != 1 || off.len() != 0 {
		t.Fatal("a disabled cache keeps no idle entry")
	}
}

func ids(es []*streamEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.id
	}
	return out
}

// TestCacheBoundCountsSnapshots: loads that leave only an encoded
// snapshot behind count against the bound like aggregates do.
func TestCacheBoundCountsSnapshots(t *testing.T) {
	t.Parallel()
	store := &oneEventStore{}
	reg := domain.NewEventRegistry()
	if err := domain.RegisterEvent[noted](reg, 1); err != nil {
		t.Fatal(err)
	}
	r := NewRepository(store, reg, RepositoryOptions{NewID: func() string { return "x" }, CachedStreams: 5})
	for i := range 50 {
		if err := r.Load(context.Background(), &notes{Base: domain.NewBase(fmt.Sprint("s-", i))}); err != nil {
			t.Fatal(err)
		}
	}
	if n := r.cache.len(); n != 5 {
		t.Fatalf("the cache holds %d streams, want its bound, 5", n)
	}
}

// oneEventStore holds one event in every stream; only ReadStream works.
type oneEventStore struct{ EventStore }

func (oneEventStore) ReadStream(_ context.Context, stream string, from uint64, _ Direction, _ int) ([]domain.Envelope, error) {
	if from > 1 {
		return nil, nil
	}
	return []domain.Envelope{{ID: stream, Type: "t.Noted", SchemaVersion: 1, StreamID: stream, StreamVersion: 1, Data: []byte(`{}`), Hash: "h"}}, nil
}

type noted struct{}

func (noted) EventType() string { return "t.Noted" }

// notes is a Snapshotter counting its events.
type notes struct {
	domain.Base
	n int
}

func (a *notes) Apply(domain.Event)               { a.n++ }
func (a *notes) SnapshotSchema() int              { return 1 }
func (a *notes) MarshalSnapshot() ([]byte, error) { return fmt.Appendf(nil, "%d", a.n), nil }
func (a *notes) UnmarshalSnapshot(b []byte) error { _, err := fmt.Sscan(string(b), &a.n); return err }
