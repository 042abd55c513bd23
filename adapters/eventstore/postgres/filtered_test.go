package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/webos-engine/webos/adapters/testkit/pgtest"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// TestFilteredFeedWaitsForSlowerCommits holds an append's transaction
// open after it drew its position and appends selected events after it:
// ReadAllFiltered neither returns them nor reads up to a position past
// the open append until it ends, whether it commits or rolls back.
func TestFilteredFeedWaitsForSlowerCommits(t *testing.T) {
	fast, slow := application.FeedFilter{StreamPrefix: "fast-"}, application.FeedFilter{StreamPrefix: "slow"}
	for _, commit := range []bool{true, false} {
		t.Run(fmt.Sprintf("commit=%v", commit), func(t *testing.T) {
			ctx := context.Background()
			schema := pgtest.Schema(t, "es_fslow")
			s := openSchema(t, schema)
			first := mustAppendAll(t, s, "fast-0", 1)
			tx, held := heldAppend(t, schema)
			later := mustAppendAll(t, s, "fast-1", 2)
			got, upTo, err := s.ReadAllFiltered(ctx, 0, fast, 10)
			if err != nil || len(got) != 1 || got[0].ID != first[0].ID || upTo != first[0].Position {
				t.Fatalf("with an append in flight at %d: %d events, read up to %d (%v); want only the first, up to %d",
					held, len(got), upTo, err, first[0].Position)
			}
			if got, upToSlow, err := s.ReadAllFiltered(ctx, 0, slow, 10); err != nil || len(got) != 0 || upToSlow != upTo {
				t.Fatalf("the in-flight append's stream: %d events, read up to %d (%v); want none, up to %d", len(got), upToSlow, err, upTo)
			}
			end, want := tx.Rollback, 0
			if commit {
				end, want = tx.Commit, 1
			}
			if err := end(ctx); err != nil {
				t.Fatal(err)
			}
			got, past, err := s.ReadAllFiltered(ctx, upTo, fast, 10)
			if err != nil || len(got) != 2 || got[0].ID != later[0].ID || got[1].ID != later[1].ID || past < later[1].Position {
				t.Fatalf("after the append ended: %d events, read up to %d (%v); want the later two, up to %d", len(got), past, err, later[1].Position)
			}
			if got, _, err := s.ReadAllFiltered(ctx, upTo, slow, 10); err != nil || len(got) != want {
				t.Fatalf("the held append's stream: %d events (%v), want %d", len(got), err, want)
			}
		})
	}
}

// mustAppendAll appends n new events to a new stream.
func mustAppendAll(t *testing.T, s application.EventStore, stream string, n int) []domain.Envelope {
	t.Helper()
	out, err := s.Append(context.Background(), stream, domain.NoStream, events(n))
	if err != nil {
		t.Fatal(err)
	}
	return out
}
