package testkit

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// ProjectionScenario feeds events to one projection over an in-memory
// read-model store and checks the documents it writes.
type ProjectionScenario struct {
	t        testing.TB
	p        *application.Projection
	store    *rmmemory.Store
	pos      uint64
	versions map[string]uint64
}

// Project starts a scenario for p with empty collections.
func Project(t testing.TB, p *application.Projection) *ProjectionScenario {
	t.Helper()
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	s := &ProjectionScenario{t: t, p: p, store: rmmemory.New(), versions: map[string]uint64{}}
	for _, c := range p.Collections() {
		if err := s.store.Declare(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// Given applies events, in one batch, as if appended to stream one after
// another. Each event goes through a JSON round trip first, as it would
// through a store. Envelopes get ids "event-N", actor "tester" and
// consecutive positions and per-stream versions.
func (s *ProjectionScenario) Given(stream string, events ...domain.Event) *ProjectionScenario {
	s.t.Helper()
	at := application.Checkpoint{StoreID: "testkit", Position: s.pos + uint64(len(events))}
	err := s.store.Apply(context.Background(), s.p.Name(), at, func(tx application.ReadModelTx) error {
		for _, e := range events {
			s.pos++
			s.versions[stream]++
			env, decoded, err := roundTrip(stream, s.versions[stream], s.pos, e)
			if err != nil {
				return err
			}
			if err := s.p.Apply(context.Background(), tx, env, decoded); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.t.Fatalf("projection %s: %v", s.p.Name(), err)
	}
	return s
}

func roundTrip(stream string, version, pos uint64, e domain.Event) (domain.Envelope, domain.Event, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return domain.Envelope{}, nil, err
	}
	p := reflect.New(reflect.TypeOf(e))
	if err := json.Unmarshal(data, p.Interface()); err != nil {
		return domain.Envelope{}, nil, err
	}
	env := domain.Envelope{
		ID: fmt.Sprintf("event-%d", pos), Type: e.EventType(), SchemaVersion: 1,
		StreamID: stream, StreamVersion: version, Position: pos, Actor: "tester",
		RecordedAt: time.Date(2026, 1, 1, 0, 0, int(pos), 0, time.UTC), Data: data,
	}
	return env, p.Elem().Interface().(domain.Event), nil
}

// ThenDoc asserts that the document under id equals want, compared as JSON.
// The engine stamps every document with its tenant (the default tenant
// here); the stamp is checked, and left out of the comparison unless want
// has the field too.
func (s *ProjectionScenario) ThenDoc(collection, id string, want any) *ProjectionScenario {
	s.t.Helper()
	raw, err := s.store.Get(context.Background(), collection, id)
	if err != nil {
		s.t.Fatalf("document %s/%s: %v", collection, id, err)
	}
	if !jsonEqual(s.t, unstamped(s.t, raw, want), want) {
		s.t.Fatalf("document %s/%s\n got: %s\nwant: %s", collection, id, raw, mustJSON(s.t, want))
	}
	return s
}

// ThenCount asserts how many documents the collection holds.
func (s *ProjectionScenario) ThenCount(collection string, want int64) *ProjectionScenario {
	s.t.Helper()
	n, err := s.store.Count(context.Background(), collection, nil)
	if err != nil || n != want {
		s.t.Fatalf("collection %s holds %d documents (err %v), want %d", collection, n, err, want)
	}
	return s
}

// Store gives direct access to the read models, e.g. to run a Find.
func (s *ProjectionScenario) Store() application.ReadModelStore { return s.store }

// unstamped is doc without the engine's tenant stamp, which must name the
// default tenant, unless want has the field too.
func unstamped(t testing.TB, doc json.RawMessage, want any) json.RawMessage {
	var got, w map[string]any
	if json.Unmarshal(doc, &got) != nil {
		return doc
	}
	if got[application.TenantField] != application.DefaultTenant {
		t.Fatalf("document %s is not stamped with the tenant %q", doc, application.DefaultTenant)
	}
	if json.Unmarshal(mustJSON(t, want), &w) == nil && w[application.TenantField] != nil {
		return doc
	}
	delete(got, application.TenantField)
	return mustJSON(t, got)
}

func jsonEqual(t testing.TB, raw json.RawMessage, want any) bool {
	var a, b any
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(mustJSON(t, want), &b); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(a, b)
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
