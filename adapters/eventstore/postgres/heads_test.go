package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/webos-engine/webos/adapters/eventstore/postgres"
	"github.com/webos-engine/webos/adapters/testkit/pgtest"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func event(id string) domain.Envelope {
	return domain.Envelope{ID: id, Type: "test.Deposited", RecordedAt: time.Now(), Data: []byte(`{"amount":1}`)}
}

func mustAppend(t *testing.T, s *postgres.Store, stream string, expected domain.ExpectedVersion, id string) domain.Envelope {
	t.Helper()
	out, err := s.Append(context.Background(), stream, expected, []domain.Envelope{event(id)})
	if err != nil {
		t.Fatalf("append %s to %s at %d: %v", id, stream, expected, err)
	}
	return out[0]
}

// checkStream fails unless stream holds want events with an unbroken
// hash chain.
func checkStream(t *testing.T, s *postgres.Store, stream string, want int) []domain.Envelope {
	t.Helper()
	got, err := s.ReadStream(context.Background(), stream, 1, application.Forward, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != want {
		t.Fatalf("%s holds %d events, want %d", stream, len(got), want)
	}
	if err := domain.VerifyChain("", got); err != nil {
		t.Fatal(err)
	}
	return got
}

func wantHead(t *testing.T, s *postgres.Store, stream string, e domain.Envelope) {
	t.Helper()
	v, h, ok := postgres.CachedHead(s, stream)
	if !ok || v != e.StreamVersion || h != e.Hash {
		t.Fatalf("cached head of %s = %d %q (%v), want %d %q", stream, v, h, ok, e.StreamVersion, e.Hash)
	}
}

// TestStaleHeadOfAnotherProcess has two Stores (two processes, each with
// its own pool and head cache) write one stream. A Store whose cached
// head another moved on chains on the real head the server answers with,
// or reports the conflict the stale head hid; it never breaks the chain.
func TestStaleHeadOfAnotherProcess(t *testing.T) {
	schema := pgtest.Schema(t, "es_heads")
	a, b := openSchema(t, schema), openSchema(t, schema)
	ctx := context.Background()

	e1 := mustAppend(t, a, "acct", domain.NoStream, "e1")
	wantHead(t, a, "acct", e1)
	mustAppend(t, b, "acct", 1, "e2") // b has no head cached: two round trips
	// a assumes head 1: the server answers 2, a chains again on it.
	e3 := mustAppend(t, a, "acct", domain.AnyVersion, "e3")
	if e3.StreamVersion != 3 {
		t.Fatalf("appended at version %d, want 3", e3.StreamVersion)
	}
	wantHead(t, a, "acct", e3)
	e4 := mustAppend(t, b, "acct", domain.AnyVersion, "e4") // b's head is stale too
	// a expects 3, its cached head agrees, the store does not.
	_, err := a.Append(ctx, "acct", 3, []domain.Envelope{event("lost")})
	if domain.KindOf(err) != domain.KindConflict {
		t.Fatalf("append on a stale cached head: err = %v, want a version conflict", err)
	}
	wantHead(t, a, "acct", e4)
	mustAppend(t, a, "acct", 4, "e5")
	got := checkStream(t, b, "acct", 5)
	for i, id := range []string{"e1", "e2", "e3", "e4", "e5"} {
		if got[i].ID != id {
			t.Fatalf("event %d is %s, want %s", i+1, got[i].ID, id)
		}
	}
	// A new stream needs no cached head; a NoStream append on an
	// existing one is a conflict whatever is cached.
	if _, err := a.Append(ctx, "acct", domain.NoStream, []domain.Envelope{event("lost2")}); domain.KindOf(err) != domain.KindConflict {
		t.Fatalf("NoStream on an existing stream: err = %v, want a version conflict", err)
	}
}

// TestReadStreamRemembersHead: a read that reaches a stream's last event
// caches it; one that may stop short does not.
func TestReadStreamRemembersHead(t *testing.T) {
	schema := pgtest.Schema(t, "es_heads")
	w, r := openSchema(t, schema), openSchema(t, schema)
	ctx := context.Background()
	var last domain.Envelope
	for i := range 4 {
		last = mustAppend(t, w, "s", domain.ExpectedVersion(i), fmt.Sprintf("e%d", i+1))
	}
	reads := []struct {
		from   uint64
		dir    application.Direction
		limit  int
		cached bool
	}{
		{1, application.Forward, 2, false},  // stops short
		{3, application.Backward, 1, false}, // event 3: there may be more above
		{1, application.Forward, 4, false},  // a full page: there may be more
		{10, application.Backward, 1, true}, // event 4, below the bound
		{0, application.Backward, 1, true},  // from the head
		{2, application.Forward, 0, true},   // to the end
		{1, application.Forward, 5, true},   // less than a page
	}
	for _, rd := range reads {
		r := openSchema(t, schema)
		if _, err := r.ReadStream(ctx, "s", rd.from, rd.dir, rd.limit); err != nil {
			t.Fatal(err)
		}
		if _, _, ok := postgres.CachedHead(r, "s"); ok != rd.cached {
			t.Fatalf("read %+v: cached = %v, want %v", rd, ok, rd.cached)
		}
		if rd.cached {
			wantHead(t, r, "s", last)
		}
	}
	// The cached head makes the next append one round trip; it must land
	// on the chain all the same.
	if _, err := r.ReadStream(ctx, "s", 0, application.Backward, 1); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, r, "s", 4, "e5")
	checkStream(t, w, "s", 5)
}

// TestConcurrentWritersOfOneStream has writers in two Stores append to one
// stream at once, without expected versions: their cached heads go stale
// all the time, and every append still lands once, on an unbroken chain.
func TestConcurrentWritersOfOneStream(t *testing.T) {
	const perStore, appends = 3, 15
	schema := pgtest.Schema(t, "es_heads")
	stores := []*postgres.Store{openSchema(t, schema), openSchema(t, schema)}
	var wg sync.WaitGroup
	for si, s := range stores {
		for w := range perStore {
			wg.Go(func() {
				for i := range appends {
					id := fmt.Sprintf("s%d-w%d-%d", si, w, i)
					if _, err := s.Append(context.Background(), "hot", domain.AnyVersion, []domain.Envelope{event(id)}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	got := checkStream(t, stores[0], "hot", len(stores)*perStore*appends)
	seen := map[string]bool{}
	for _, e := range got {
		if seen[e.ID] {
			t.Fatalf("event %s stored twice", e.ID)
		}
		seen[e.ID] = true
	}
}

// TestMigrationFromPreviousRelease opens a schema the previous release
// made and wrote to: the new step runs once, and appends continue the
// old chains in one round trip.
func TestMigrationFromPreviousRelease(t *testing.T) {
	url, schema := pgtest.URL(t), pgtest.Schema(t, "es_prev")
	ctx := context.Background()
	if err := postgres.PreviousRelease(ctx, url, schema, "old", []domain.Envelope{event("o1"), event("o2")}); err != nil {
		t.Fatal(err)
	}
	var before int
	queryRow(t, url, "SELECT max(version) FROM "+pgx.Identifier{schema, "schema_migrations"}.Sanitize(), &before)
	s := openSchema(t, schema)
	var after int
	queryRow(t, url, "SELECT max(version) FROM "+pgx.Identifier{schema, "schema_migrations"}.Sanitize(), &after)
	if after != before+1 {
		t.Fatalf("schema at version %d after Open, was %d: want one step more", after, before)
	}
	old := checkStream(t, s, "old", 2) // and caches its head
	e3 := mustAppend(t, s, "old", 2, "o3")
	if e3.PrevHash != old[1].Hash {
		t.Fatal("the append did not chain on the old stream's head")
	}
	mustAppend(t, s, "new", domain.NoStream, "n1")
	checkStream(t, s, "old", 3)
	checkStream(t, s, "new", 1)
	feed, err := s.ReadAll(ctx, 0, 0)
	if err != nil || len(feed) != 4 {
		t.Fatalf("feed holds %d events (%v), want 4", len(feed), err)
	}
	for i := 1; i < len(feed); i++ {
		if feed[i].Position <= feed[i-1].Position {
			t.Fatalf("feed positions %d then %d", feed[i-1].Position, feed[i].Position)
		}
	}
}
