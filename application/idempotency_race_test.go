package application_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// lateStore is the shared store as a process sees it that loses a race:
// right after its next stream read (the load before it decides), another
// process runs meanwhile, so its append comes second.
type lateStore struct {
	*memory.Store
	mu        sync.Mutex
	meanwhile func()
}

func (s *lateStore) ReadStream(ctx context.Context, stream string, from uint64, dir application.Direction, limit int) ([]domain.Envelope, error) {
	out, err := s.Store.ReadStream(ctx, stream, from, dir, limit)
	s.mu.Lock()
	run := s.meanwhile
	s.meanwhile = nil
	s.mu.Unlock()
	if run != nil {
		run()
	}
	return out, err
}

// TestKeyedCommandThatLostTheRace: two processes send a keyed command at
// once; both find no events under its id and decide on the same state.
// The one whose append comes second appends nothing and answers the first
// result or, for another command under the same id,
// idempotency_key_reused: with a store that refuses the retried append
// (SQLite) and with one that answers it with the stored events (KurrentDB).
func TestKeyedCommandThatLostTheRace(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]memory.Options{
		"refused":    {},
		"idempotent": {IdempotentRetries: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			events := memory.NewWith(opts)
			first := newAppOn(events, nil, counterModule{name: "counter"})
			late := &lateStore{Store: events}
			second := newAppOn(late, nil, counterModule{name: "counter"})
			seedIn(t, events, "t1", "a")
			race := func(key, body, secondBody string) (application.Result, application.Result, error) {
				var res application.Result
				late.meanwhile = func() {
					var err error
					if res, err = first.Dispatch(withKey(key), "counter.Increment", []byte(body)); err != nil {
						t.Error(err)
					}
				}
				got, err := second.Dispatch(withKey(key), "counter.Increment", []byte(secondBody))
				return res, got, err
			}
			want, got, err := race("k-1", `{"id":"a","by":5}`, `{"id":"a","by":5}`)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("the same command answered %+v (%v), want the first result %+v", got, err, want)
			}
			seedIn(t, events, "t1", "b")
			_, _, err = race("k-2", `{"id":"b","by":5}`, `{"id":"b","by":6}`)
			var de *domain.Error
			if !errors.As(err, &de) || de.Kind != domain.KindRejected || de.Code != "idempotency_key_reused" {
				t.Fatalf("another command under the id: %v, want idempotency_key_reused", err)
			}
			for stream, want := range map[string]uint64{application.TenantKey("t1", "counter.c-a"): 2, application.TenantKey("t1", "counter.c-b"): 2} {
				if v, _ := events.StreamVersion(context.Background(), stream); v != want {
					t.Fatalf("%s at version %d, want %d: the seed and the keyed command once", stream, v, want)
				}
			}
		})
	}
}
