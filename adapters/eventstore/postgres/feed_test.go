package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/webos-engine/webos/adapters/eventstore/postgres"
	"github.com/webos-engine/webos/adapters/testkit/pgtest"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

var lastID atomic.Int64

// events returns n new events with unique ids.
func events(n int) []domain.Envelope {
	out := make([]domain.Envelope, n)
	for i := range out {
		id := lastID.Add(1)
		out[i] = domain.Envelope{ID: fmt.Sprintf("pg-evt-%d", id), Type: "test.Happened", SchemaVersion: 1,
			RecordedAt: time.Now(), Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, id))}
	}
	return out
}

// collector gathers what a subscription delivers, checking as it goes that
// positions strictly increase.
type collector struct {
	mu   sync.Mutex
	got  []domain.Envelope
	errs []string
	done chan struct{}
}

func collect(sub application.Subscription) *collector {
	c := &collector{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for e := range sub.Events() {
			c.mu.Lock()
			if n := len(c.got); n > 0 && e.Position <= c.got[n-1].Position {
				c.errs = append(c.errs, fmt.Sprintf("position %d delivered after %d", e.Position, c.got[n-1].Position))
			}
			c.got = append(c.got, e)
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.got)
}

// waitFor waits until the collector holds n events, failing after timeout.
func (c *collector) waitFor(t *testing.T, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for c.count() < n {
		if time.Now().After(deadline) {
			t.Fatalf("subscriber has %d events after %s, want %d", c.count(), timeout, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// same checks that the subscriber saw exactly the feed: the same ids at
// the same positions, in the same order, each once.
func (c *collector) same(t *testing.T, feed []domain.Envelope) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.errs {
		t.Error(e)
	}
	if len(c.got) != len(feed) {
		t.Fatalf("subscriber saw %d events, the feed holds %d", len(c.got), len(feed))
	}
	seen := map[string]bool{}
	for i, e := range c.got {
		if seen[e.ID] {
			t.Fatalf("event %s delivered twice", e.ID)
		}
		seen[e.ID] = true
		if e.ID != feed[i].ID || e.Position != feed[i].Position {
			t.Fatalf("delivery %d: %s at %d, the feed has %s at %d", i, e.ID, e.Position, feed[i].ID, feed[i].Position)
		}
	}
}

// heldAppend draws a position and inserts an event the way Append does,
// in a transaction it leaves open: an append slow to commit.
func heldAppend(t *testing.T, schema string) (pgx.Tx, uint64) {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(ctx) })
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e := events(1)
	if err := domain.Chain(0, "", e); err != nil {
		t.Fatal(err)
	}
	var pos int64
	err = tx.QueryRow(ctx, `INSERT INTO events (position, xid, stream_id, version, id, type, schema_version,
		recorded_at, actor, tenant, correlation_id, causation_id, data, prev_hash, hash)
		SELECT pos, tx, 'slow', 1, $1, $2, 1, $3, '', '', '', '', $4, '', $5 FROM draw_positions(1) RETURNING position`,
		e[0].ID, e[0].Type, e[0].RecordedAt.Format(time.RFC3339Nano), string(e[0].Data), e[0].Hash).Scan(&pos)
	if err != nil {
		t.Fatal(err)
	}
	return tx, uint64(pos)
}

// TestFeedWaitsForSlowerCommits holds an append's transaction open after
// it drew its position, appends after it, and checks that neither ReadAll,
// Head nor a subscription gets past the open one until it ends, whether
// it commits or rolls back.
func TestFeedWaitsForSlowerCommits(t *testing.T) {
	for _, commit := range []bool{true, false} {
		t.Run(fmt.Sprintf("commit=%v", commit), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			schema := pgtest.Schema(t, "es_slow")
			s := openSchema(t, schema, postgres.WithPollInterval(20*time.Millisecond))
			first, err := s.Append(ctx, "early", domain.NoStream, events(1))
			if err != nil {
				t.Fatal(err)
			}
			sub := collect(s.Subscribe(ctx, 0))
			tx, held := heldAppend(t, schema)
			later, err := s.Append(ctx, "fast", domain.NoStream, events(3))
			if err != nil {
				t.Fatal(err)
			}
			if later[0].Position <= held {
				t.Fatalf("later append got position %d, not after the held %d", later[0].Position, held)
			}
			sub.waitFor(t, 1, 5*time.Second)
			time.Sleep(200 * time.Millisecond) // ten polls
			if all, err := s.ReadAll(ctx, 0, 0); err != nil || len(all) != 1 || sub.count() != 1 {
				t.Fatalf("with an append in flight: ReadAll %d events (%v), subscriber %d; want only the first", len(all), err, sub.count())
			}
			if h, err := s.Head(ctx); err != nil || h != first[0].Position {
				t.Fatalf("head %d (%v) with an append in flight, want %d", h, err, first[0].Position)
			}
			end := tx.Rollback
			want := 1 + len(later)
			if commit {
				end, want = tx.Commit, want+1
			}
			if err := end(ctx); err != nil {
				t.Fatal(err)
			}
			sub.waitFor(t, want, 5*time.Second)
			all, err := s.ReadAll(ctx, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			cancel()
			<-sub.done
			sub.same(t, all)
		})
	}
}

// TestOtherTransactionsDoNotHoldBackTheFeed keeps a transaction with an
// xid open that is not an append (as another application on the same
// cluster would): the feed must not wait for it.
func TestOtherTransactionsDoNotHoldBackTheFeed(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	conn, err := pgx.Connect(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "SELECT pg_current_xact_id()"); err != nil {
		t.Fatal(err)
	}
	out, err := s.Append(ctx, "busy", domain.NoStream, events(2))
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.ReadAll(ctx, 0, 0)
	if err != nil || len(all) != 2 {
		t.Fatalf("ReadAll: %d events (%v), want 2 while another transaction is open", len(all), err)
	}
	if h, err := s.Head(ctx); err != nil || h != out[1].Position {
		t.Fatalf("Head %d (%v), want %d", h, err, out[1].Position)
	}
}

// TestConcurrentWritersAndSubscriber runs 8 writers on two Stores (as two
// processes would) while a subscriber on a third, which only LISTEN and
// polling wake, follows the feed: it must see every event exactly once, in
// position order, whatever order the writers' transactions commit in.
func TestConcurrentWritersAndSubscriber(t *testing.T) {
	const writers, appends = 8, 40
	schema := pgtest.Schema(t, "es_race")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, b, reader := openSchema(t, schema), openSchema(t, schema), openSchema(t, schema)
	sub := collect(reader.Subscribe(ctx, 0))
	var wg sync.WaitGroup
	total := atomic.Int64{}
	for w := range writers {
		s := a
		if w%2 == 1 {
			s = b
		}
		wg.Go(func() {
			for i := range appends {
				n := 1 + (w+i)%4
				// Half the appends go to one shared stream, racing for its
				// versions; the others to the writer's own.
				stream := fmt.Sprintf("w-%d", w)
				if i%2 == 0 {
					stream = "shared"
				}
				if _, err := s.Append(ctx, stream, domain.AnyVersion, events(n)); err != nil {
					t.Error(err)
					return
				}
				total.Add(int64(n))
			}
		})
	}
	wg.Wait()
	sub.waitFor(t, int(total.Load()), 10*time.Second)
	all, err := reader.ReadAll(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	<-sub.done
	sub.same(t, all)
	if err := domain.VerifyChain("", readAll(t, reader, "shared")); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, s application.EventStore, stream string) []domain.Envelope {
	t.Helper()
	out, err := s.ReadStream(context.Background(), stream, 0, application.Forward, 0)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
