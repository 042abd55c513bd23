package main_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"reflect"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/adapters/bus/bustest"
	busnats "github.com/webos-engine/webos/adapters/bus/nats"
	"github.com/webos-engine/webos/adapters/eventstore/postgres"
	"github.com/webos-engine/webos/adapters/readmodel/mongodb/ferretdbtest"
	rmsqlite "github.com/webos-engine/webos/adapters/readmodel/sqlite"
	"github.com/webos-engine/webos/adapters/testkit/pgtest"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// TestProductionBackendsSurviveSIGKILL is TestSurvivesSIGKILL on the
// production backends: events in PostgreSQL (a schema of its own), read
// models in MongoDB (FerretDB, started here), the bus on NATS JetStream
// (a nats-server of its own, so its streams are fresh). Eight clients send
// commands; the process is SIGKILLed mid-load and started again. Then:
//   - every accepted command's events are in the store exactly once, and
//     every stream's hash chain verifies;
//   - the read models equal a rebuild from scratch (a second serve on a
//     fresh MongoDB database over the same events);
//   - a bus consumer in this process, subscribed all along, was handed
//     every forwarded event and applied each exactly once (its inbox in a
//     SQLite read-model store, as application.InboxInReadModels keeps it).
func TestProductionBackendsSurviveSIGKILL(t *testing.T) {
	pg := pgtest.URL(t) + "&schema=" + pgtest.Schema(t, "e2e")
	mongo := ferretdbtest.Start(t)
	dataDir, natsDir := t.TempDir(), t.TempDir()
	natsSrv := bustest.StartServer(t, "/usr/sbin/nats-server", func(port int) []string {
		return []string{"-js", "-a", "127.0.0.1", "-p", strconv.Itoa(port), "-sd", natsDir}
	})
	natsURL := "nats://127.0.0.1:" + strconv.Itoa(natsSrv.Port)
	// The admin commands (adminToken) open the same stores, so the
	// backends go through the environment, not flags.
	t.Setenv("WEBOS_EVENTSTORE", pg)
	t.Setenv("WEBOS_READMODELS", mongo.URL(ferretdbtest.Database("e2e")))
	t.Setenv("WEBOS_BUS", natsURL+"?ack_wait=2s")

	c := startSeenConsumer(t, natsURL)
	p := serve(t, dataDir)
	skus := []string{"PRD-A", "PRD-B", "PRD-C"}
	for _, sku := range skus {
		p.command("warehouse.RegisterItem", fmt.Sprintf(`{"sku":%q,"name":"Item %s","unit":"pcs","lowStockThreshold":5}`, sku, sku))
	}
	acked := loadUntilKilled(t, p, skus, 120)

	p = serve(t, dataDir)
	events := readFeed(t, pg)
	stored := map[string]int{}
	streams := map[string][]domain.Envelope{}
	for _, e := range events {
		stored[e.ID]++
		streams[e.StreamID] = append(streams[e.StreamID], e)
	}
	for id, n := range stored {
		if n != 1 {
			t.Errorf("event %s is in the feed %d times", id, n)
		}
	}
	for name, evs := range streams {
		if err := domain.VerifyChain("", evs); err != nil {
			t.Errorf("stream %s: %v", name, err)
		}
	}
	for id := range acked {
		if stored[id] != 1 {
			t.Errorf("accepted event %s is in the store %d times, want once", id, stored[id])
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	p.caughtUp()
	views := []string{"warehouse.stock", "warehouse.movements", "identity.users", "identity.roles", "identity.tokens"}
	before := map[string][]map[string]any{}
	for _, v := range views {
		before[v] = p.items(v, "")
	}
	if got := len(before["warehouse.movements"]); got < len(acked) {
		t.Fatalf("the movements view has %d rows after the restart, %d stock receipts were accepted", got, len(acked))
	}
	c.allOnce(t, events)
	p.stop()

	// A rebuild from scratch: the same events into a fresh database.
	t.Setenv("WEBOS_READMODELS", mongo.URL(ferretdbtest.Database("rebuilt")))
	p = serve(t, dataDir)
	p.caughtUp()
	for _, v := range views {
		if after := p.items(v, ""); !reflect.DeepEqual(before[v], after) {
			t.Errorf("view %s after SIGKILL and restart differs from a rebuild from scratch:\n got %v\nwant %v", v, before[v], after)
		}
	}
	// The forwarder keeps its checkpoint in the event store, so a fresh
	// read-model store forwards nothing again; the consumer would not
	// apply it twice anyway.
	c.allOnce(t, events)
	p.stop()
}

// readFeed reads the whole global feed of the PostgreSQL store at pg.
func readFeed(t *testing.T, pg string) []domain.Envelope {
	t.Helper()
	ctx := context.Background()
	s, err := postgres.Open(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	var all []domain.Envelope
	for after := uint64(0); ; {
		page, err := s.ReadAll(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].Position
	}
}

// seenConsumer is a bus consumer of every warehouse and identity event
// type the test produces, counting in a SQLite read-model document how
// often it applied each event (read-modify-write, so a second application
// shows).
type seenConsumer struct {
	models    *rmsqlite.Store
	types     map[string]bool
	delivered atomic.Int64
}

const seenView = "e2e_seen"

func startSeenConsumer(t *testing.T, natsURL string) *seenConsumer {
	t.Helper()
	models, err := rmsqlite.Open(filepath.Join(t.TempDir(), "consumer.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := models.Declare(ctx, application.CollectionSpec{Name: seenView}); err != nil {
		t.Fatal(err)
	}
	c := &seenConsumer{models: models, types: map[string]bool{}}
	for _, typ := range []string{"warehouse.ItemRegistered", "warehouse.StockReceived", "identity.UserCreated"} {
		c.types[typ] = true
	}
	u, _ := url.Parse(natsURL + "?ack_wait=2s")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	backend, err := busnats.Open(u, quiet)
	if err != nil {
		t.Fatal(err)
	}
	r, err := bus.NewRouter(backend, bus.NewPoison(models), quiet, bus.RouterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	apply := application.InboxInReadModels(models, "e2e", func(ctx context.Context, tx application.ReadModelTx, e domain.Envelope) error {
		var doc struct{ N int }
		raw, err := tx.Get(ctx, seenView, e.ID)
		switch {
		case err == nil:
			if err := json.Unmarshal(raw, &doc); err != nil {
				return err
			}
		case !errors.Is(err, domain.ErrNotFound):
			return err
		}
		doc.N++
		return tx.Upsert(ctx, seenView, e.ID, doc)
	})
	types := make([]string, 0, len(c.types))
	for typ := range c.types {
		types = append(types, typ)
	}
	handle := func(ctx context.Context, e domain.Envelope) error {
		c.delivered.Add(1)
		return apply(ctx, e)
	}
	if err := r.Add(application.BusConsumer{Name: "e2e", Types: types, Handle: handle}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		_ = backend.Close()
		_ = models.Close()
	})
	select {
	case <-r.Running():
	case err := <-done:
		t.Fatalf("bus consumer: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the bus consumer did not start")
	}
	return c
}

// allOnce waits until the consumer applied every event of its types in
// events, then fails the test for any it applied more than once.
func (c *seenConsumer) allOnce(t *testing.T, events []domain.Envelope) {
	t.Helper()
	var want []string
	for _, e := range events {
		if c.types[e.Type] {
			want = append(want, e.ID)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		counts, missing := c.counts(t, want)
		if missing == 0 {
			for id, n := range counts {
				if n != 1 {
					t.Errorf("the bus consumer applied event %s %d times, want once", id, n)
				}
			}
			t.Logf("bus consumer: %d events applied once each, %d deliveries", len(want), c.delivered.Load())
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bus consumer has not applied %d of %d events after 60s", missing, len(want))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// counts returns how often each of ids was applied, and how many were not.
func (c *seenConsumer) counts(t *testing.T, ids []string) (map[string]int, int) {
	t.Helper()
	out := map[string]int{}
	missing := 0
	for _, id := range ids {
		raw, err := c.models.Get(context.Background(), seenView, id)
		if errors.Is(err, domain.ErrNotFound) {
			missing++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ N int }
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		out[id] = doc.N
	}
	return out, missing
}
