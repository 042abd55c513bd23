package mongodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/adapters/readmodel/mongodb/ferretdbtest"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/projections"
)

type received struct {
	SKU string `json:"sku"`
	Q   int    `json:"q"`
}

func (received) EventType() string { return "test.Received" }

type cleared struct {
	SKU string `json:"sku"`
}

func (cleared) EventType() string { return "test.Cleared" }

var stock = application.CollectionSpec{
	Name:   "test.stock",
	Fields: []application.FieldSpec{{Name: "onHand", Type: application.Number}},
}

// stockProjection keeps onHand per SKU, and the total of all receipts, by
// read-modify-write: applying an event twice shows in the sums. A
// clearance deletes the SKU's document (not the total).
func stockProjection() *application.Projection {
	p := application.NewProjection("test.stock", stock)
	add := func(ctx context.Context, tx application.ReadModelTx, id string, q int) error {
		doc := struct {
			OnHand   int `json:"onHand"`
			Receipts int `json:"receipts"`
		}{}
		raw, err := tx.Get(ctx, stock.Name, id)
		switch {
		case err == nil:
			if err := json.Unmarshal(raw, &doc); err != nil {
				return err
			}
		case domain.KindOf(err) != domain.KindNotFound:
			return err
		}
		doc.OnHand += q
		doc.Receipts++
		return tx.Upsert(ctx, stock.Name, id, doc)
	}
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, _ domain.Envelope, e received) error {
		return errors.Join(add(ctx, tx, e.SKU, e.Q), add(ctx, tx, "total", e.Q))
	})
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, _ domain.Envelope, e cleared) error {
		return tx.Delete(ctx, stock.Name, e.SKU)
	})
	return p
}

func stockTypes(t testing.TB) *domain.EventRegistry {
	reg := domain.NewEventRegistry()
	if err := errors.Join(domain.RegisterEvent[received](reg, 1), domain.RegisterEvent[cleared](reg, 1)); err != nil {
		t.Fatal(err)
	}
	return reg
}

// crashEnv names the variables the crashing child process reads.
const (
	crashEnv       = "WEBOS_MONGODB_CRASH_CHILD"
	crashURLEnv    = "WEBOS_MONGODB_CRASH_URL"
	crashEventsEnv = "WEBOS_MONGODB_CRASH_EVENTS"
)

// crashAfter is the batch whose documents the child writes before it
// kills itself, short of writing that batch's checkpoint.
const crashAfter = 4

// TestCrashBetweenDocumentsAndCheckpoint kills the process that runs a
// projection on FerretDB (no transactions) between a batch's bulk write
// and its checkpoint write, restarts the projection with other batch
// sizes, and checks that the read model equals an uninterrupted run's:
// the batch applied again must count none of its events twice.
func TestCrashBetweenDocumentsAndCheckpoint(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		crashChild(t)
		return
	}
	ctx := context.Background()
	eventsPath := filepath.Join(t.TempDir(), "events.db")
	events, err := sqlite.Open(eventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = events.Close() }()
	appendStock(t, events, 240)

	srv := ferretdbtest.Start(t)
	url := withDatabase(t, "mongodb://"+srv.Addr, ferretdbtest.Database("webos_crash"))
	child := exec.Command(os.Args[0], "-test.run=^TestCrashBetweenDocumentsAndCheckpoint$", "-test.v")
	child.Env = append(os.Environ(), crashEnv+"=1", crashURLEnv+"="+url, crashEventsEnv+"="+eventsPath)
	out, err := child.CombinedOutput()
	if exit := (*exec.ExitError)(nil); !errors.As(err, &exit) || exit.Success() {
		t.Fatalf("the child did not die: %v\n%s", err, out)
	}

	store, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = store.Close() }()
	cp, err := store.Checkpoint(ctx, "test.stock")
	if err != nil {
		t.Fatal(err)
	}
	ahead := documentsAhead(t, store, cp.Position)
	if cp.Position == 0 || ahead == 0 {
		t.Fatalf("the crash left checkpoint %d and %d documents ahead of it; want a crash between a batch's documents and its checkpoint\n%s",
			cp.Position, ahead, out)
	}
	t.Logf("after the crash: checkpoint %d, %d documents ahead of it", cp.Position, ahead)

	// Restart with larger batches than the crashed run's, so the batch
	// applied again reaches past the crashed one.
	runToHead(t, events, store, projections.Options{BatchSize: 50, CatchUpBatchSize: 50})
	reference := memory.New()
	runToHead(t, events, reference, projections.Options{})
	got, want := dump(t, store), dump(t, reference)
	if len(want) == 0 || !equalDumps(got, want) {
		t.Fatalf("the read model after the crash and restart differs from an uninterrupted run's:\ngot  %s\nwant %s", got, want)
	}
}

// crashChild runs the projection with small batches and kills its own
// process once the documents of batch crashAfter are written.
func crashChild(t *testing.T) {
	ctx := context.Background()
	events, err := sqlite.Open(os.Getenv(crashEventsEnv))
	if err != nil {
		t.Fatal(err)
	}
	store, err := Open(ctx, os.Getenv(crashURLEnv))
	if err != nil {
		t.Fatal(err)
	}
	batches := 0
	afterDocuments = func() {
		batches++
		if batches == crashAfter {
			self, _ := os.FindProcess(os.Getpid())
			_ = self.Kill()
			select {} // the signal ends the process
		}
	}
	runToHead(t, events, store, projections.Options{BatchSize: 16, CatchUpBatchSize: 16})
	t.Fatal("the child reached the head without crashing")
}

// appendStock appends n events over a few SKUs: receipts of varied
// quantities, and two clearances, one of them in the batch the crash
// interrupts.
func appendStock(t *testing.T, events application.EventStore, n int) {
	t.Helper()
	for i := range n {
		sku := "sku-" + strconv.Itoa(i%5)
		env := domain.Envelope{ID: fmt.Sprintf("e%d", i), Type: "test.Received", SchemaVersion: 1,
			Data: fmt.Appendf(nil, `{"sku":%q,"q":%d}`, sku, i%7+1)}
		if i == 36 || i == 53 {
			env.Type, env.Data = "test.Cleared", fmt.Appendf(nil, `{"sku":%q}`, sku)
		}
		if _, err := events.Append(context.Background(), sku, domain.AnyVersion, []domain.Envelope{env}); err != nil {
			t.Fatal(err)
		}
	}
}

// runToHead runs the stock projection until its checkpoint reaches the
// head of events.
func runToHead(t *testing.T, events application.EventStore, store application.ReadModelStore, opts projections.Options) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts.FlushInterval = time.Millisecond
	rt := projections.New(events, store, stockTypes(t), []*application.Projection{stockProjection()},
		slog.New(slog.DiscardHandler), opts)
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer rt.Wait()
	defer cancel()
	head, err := events.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if cp, err := store.Checkpoint(ctx, "test.stock"); err == nil && cp.Position >= head {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the projection did not reach the head %d: %+v", head, rt.Status(ctx))
}

// documentsAhead counts the stored documents (tombstones too) that have
// seen an event after position cp.
func documentsAhead(t *testing.T, s *Store, cp uint64) int {
	t.Helper()
	cur, err := s.coll(stock.Name).Find(context.Background(), map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for cur.Next(context.Background()) {
		if seenIn(cur.Current, "test.stock") > cp {
			n++
		}
	}
	return n
}

// dump lists the stock documents in id order.
func dump(t *testing.T, s application.ReadModelStore) []json.RawMessage {
	t.Helper()
	page, err := s.Find(context.Background(), stock.Name, application.Query{Limit: 100})
	if err != nil || page.Next != "" {
		t.Fatalf("dump: %v (next %q)", err, page.Next)
	}
	return page.Items
}

func equalDumps(a, b []json.RawMessage) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		var x, y any
		if json.Unmarshal(a[i], &x) != nil || json.Unmarshal(b[i], &y) != nil || fmt.Sprint(x) != fmt.Sprint(y) {
			return false
		}
	}
	return true
}
