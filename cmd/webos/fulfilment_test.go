package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/orders"
	ordcontract "github.com/webos-engine/webos/modules/orders/contract"
	"github.com/webos-engine/webos/modules/payments"
	"github.com/webos-engine/webos/modules/payments/simulated"
	"github.com/webos-engine/webos/modules/warehouse"
	whcontract "github.com/webos-engine/webos/modules/warehouse/contract"
	"github.com/webos-engine/webos/sagas"
)

// busSender runs each command an instance sends on its own goroutine and
// hands the reply back, as the command bus does: asynchronously, so that
// commands of many instances interleave.
type busSender struct {
	ctx  context.Context
	app  *application.App
	rt   atomic.Pointer[sagas.Runtime]
	wg   sync.WaitGroup
	errs chan error
}

func (b *busSender) Send(_ context.Context, cmd sagas.Command) error {
	b.wg.Go(func() {
		r := sagas.Execute(b.ctx, b.app, cmd, slog.New(slog.DiscardHandler))
		if err := b.rt.Load().HandleReply(b.ctx, r); err != nil && b.ctx.Err() == nil {
			select {
			case b.errs <- fmt.Errorf("reply to %s %s: %w", cmd.Instance, cmd.Step, err):
			default:
			}
		}
	})
	return nil
}

// fulfilmentRig is the three modules and the saga runtime running on the
// feed, with a simulated gateway.
type fulfilmentRig struct {
	e      *testkit.Engine // nil on other stores
	rt     *sagas.Runtime
	gw     *simulated.Gateway
	sender *busSender
	stock  whcontract.StockLevels
}

// fulfilmentModules are the modules the rig loads.
func fulfilmentModules(module *sagas.Module, gw *simulated.Gateway, deadline time.Duration) []application.Module {
	return []application.Module{module, warehouse.Module{},
		orders.Module{PaymentDeadline: deadline, PaymentCheck: 50 * time.Millisecond},
		payments.Module{Gateway: gw, AnswerTimeout: 200 * time.Millisecond}}
}

func newFulfilmentRig(t *testing.T, gw *simulated.Gateway, deadline time.Duration) *fulfilmentRig {
	t.Helper()
	module := &sagas.Module{}
	e := testkit.NewEngine(t, fulfilmentModules(module, gw, deadline)...)
	r := startFulfilment(t, e.App, module, e.Events, e.ReadModels, gw)
	r.e = e
	return r
}

// startFulfilment starts the saga runtime of app on events, following
// the feed and firing timers until the test ends.
func startFulfilment(t testing.TB, app *application.App, module *sagas.Module, events application.EventStore,
	models application.ReadModelStore, gw *simulated.Gateway) *fulfilmentRig {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sender := &busSender{ctx: ctx, app: app, errs: make(chan error, 1)}
	rt := sagas.NewRuntime(app, events, sender, sagas.Options{
		RetryBackoff: 5 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, MaxAttempts: 20, Logger: slog.New(slog.DiscardHandler)})
	sender.rt.Store(rt)
	module.Use(rt)
	var running sync.WaitGroup
	running.Go(func() { rt.Follow(ctx, application.ReadModelCheckpoints{Store: models}) })
	running.Go(func() { rt.RunTimers(ctx) })
	t.Cleanup(func() { cancel(); running.Wait(); sender.wg.Wait() })
	stock, err := application.Lookup[whcontract.StockLevels](app.Services())
	if err != nil {
		t.Fatal(err)
	}
	return &fulfilmentRig{rt: rt, gw: gw, sender: sender, stock: stock}
}

// waitEnded waits until every order's instance is completed or
// compensated, failing on a failed one.
func (r *fulfilmentRig) waitEnded(t testing.TB, ids []string, timeout time.Duration) map[string]sagas.Status {
	t.Helper()
	deadline := time.Now().Add(timeout)
	ended := map[string]sagas.Status{}
	var errs chan error // nil (never ready) without a busSender
	if r.sender != nil {
		errs = r.sender.errs
	}
	for len(ended) < len(ids) {
		select {
		case err := <-errs:
			t.Fatal(err)
		default:
		}
		for _, id := range ids {
			if _, done := ended[id]; done {
				continue
			}
			st, err := r.rt.Instance(context.Background(), orders.FulfilmentSaga, id)
			if err != nil {
				t.Fatal(err)
			}
			switch st.Status {
			case sagas.StatusCompleted, sagas.StatusCompensated:
				ended[id] = st.Status
			case sagas.StatusFailed:
				t.Fatalf("instance of %s failed: %s", id, st.Reason)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s only %d of %d orders ended", timeout, len(ended), len(ids))
		}
		// Reading every instance's stream is not free: poll a large set
		// less often, so the watching does not slow what it watches.
		time.Sleep(time.Duration(1+(len(ids)-len(ended))/50) * 20 * time.Millisecond)
	}
	return ended
}

// TestTwoHundredOrdersForOneScarceSKU places 200 orders at once for a SKU
// with 50 on hand; every tenth customer's payment is declined. Never is
// more reserved than on hand, every order ends confirmed or cancelled,
// what is reserved at the end is exactly the confirmed orders', and the
// gateway holds money for exactly the confirmed orders, none twice.
func TestTwoHundredOrdersForOneScarceSKU(t *testing.T) {
	t.Parallel()
	const onHand, n = 50, 200
	gw := simulated.New(simulated.Behaviour{})
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("ORD-%03d", i)
		if i%10 == 0 {
			gw.SetFor(ids[i], simulated.Behaviour{Outcome: simulated.Decline, DeclineReason: "card declined"})
		}
	}
	r := newFulfilmentRig(t, gw, time.Minute)
	ctx := context.Background()
	if _, err := application.Send(ctx, r.e.App, whcontract.RegisterItem{SKU: "SCARCE", Name: "Scarce thing", Unit: "pcs"}); err != nil {
		t.Fatal(err)
	}
	if _, err := application.Send(ctx, r.e.App, whcontract.ReceiveStock{SKU: "SCARCE", Quantity: onHand}); err != nil {
		t.Fatal(err)
	}

	// Watch the invariant while the orders run.
	stop := make(chan struct{})
	var watched sync.WaitGroup
	watched.Go(func() {
		for {
			l, err := r.stock.Level(ctx, "SCARCE")
			if err != nil || l.Reserved > l.OnHand || l.Reserved < 0 {
				t.Errorf("stock level %+v %v", l, err)
				return
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})
	var placed sync.WaitGroup
	for _, id := range ids {
		placed.Go(func() {
			_, err := application.Send(ctx, r.e.App, ordcontract.PlaceOrder{OrderID: id, CustomerID: "C-" + id, Currency: "EUR",
				Lines: []ordcontract.Line{{SKU: "SCARCE", Quantity: 1, UnitPrice: 1999}}})
			if err != nil {
				t.Errorf("place %s: %v", id, err)
			}
		})
	}
	placed.Wait()
	ended := r.waitEnded(t, ids, 90*time.Second)
	close(stop)
	watched.Wait()

	confirmed := 0
	for _, id := range ids {
		state := orderState(t, r.e, id)
		switch {
		case state == ordcontract.StateConfirmed && ended[id] == sagas.StatusCompleted:
			confirmed++
			if got := gw.Outstanding(id); got != 1999 {
				t.Errorf("confirmed %s: the gateway holds %d, want 1999", id, got)
			}
		case state == ordcontract.StateCancelled && ended[id] == sagas.StatusCompensated:
			if got := gw.Outstanding(id); got != 0 {
				t.Errorf("cancelled %s: the gateway still holds %d", id, got)
			}
		default:
			t.Errorf("order %s is %s, its instance %s", id, state, ended[id])
		}
	}
	l, err := r.stock.Level(ctx, "SCARCE")
	if err != nil {
		t.Fatal(err)
	}
	if confirmed == 0 || confirmed > onHand || l.Reserved != int64(confirmed) || l.OnHand != onHand {
		t.Fatalf("%d orders confirmed; stock %+v", confirmed, l)
	}
	if d := gw.DoubleCharges(); d != nil {
		t.Fatalf("charged twice: %v", d)
	}
	t.Logf("%d of %d orders confirmed, %d cancelled", confirmed, n, n-confirmed)
}

// orderState reads the order's state from the orders.list view.
func orderState(t *testing.T, e *testkit.Engine, id string) string {
	t.Helper()
	page := e.Query(t, "orders.list", application.Query{Filters: []application.Filter{{Field: "orderId", Op: application.Eq, Value: id}}})
	if len(page.Items) != 1 {
		t.Fatalf("orders.list has %d rows for %s", len(page.Items), id)
	}
	var row struct {
		State string `json:"state"`
	}
	if err := json.Unmarshal(page.Items[0], &row); err != nil {
		t.Fatal(err)
	}
	return row.State
}

// TestFulfilmentEndToEnd runs the real modules: a gateway that charges
// but never answers leads to the order being given up at the deadline,
// its stock released and the hidden charge refunded; a confirmed order
// the customer cancels is refunded and released.
func TestFulfilmentEndToEnd(t *testing.T) {
	t.Parallel()
	gw := simulated.New(simulated.Behaviour{})
	gw.SetFor("LOST", simulated.Behaviour{Outcome: simulated.TimeOut})
	r := newFulfilmentRig(t, gw, 500*time.Millisecond)
	ctx := context.Background()
	if _, err := application.Send(ctx, r.e.App, whcontract.RegisterItem{SKU: "LAMP", Name: "Lamp", Unit: "pcs"}); err != nil {
		t.Fatal(err)
	}
	if _, err := application.Send(ctx, r.e.App, whcontract.ReceiveStock{SKU: "LAMP", Quantity: 10}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"LOST", "KEPT"} {
		if _, err := application.Send(ctx, r.e.App, ordcontract.PlaceOrder{OrderID: id, CustomerID: "C1", Currency: "EUR",
			Lines: []ordcontract.Line{{SKU: "LAMP", Quantity: 3, UnitPrice: 4500}}}); err != nil {
			t.Fatal(err)
		}
	}
	ended := r.waitEnded(t, []string{"LOST", "KEPT"}, 30*time.Second)
	if ended["LOST"] != sagas.StatusCompensated || ended["KEPT"] != sagas.StatusCompleted {
		t.Fatalf("instances ended %v", ended)
	}
	if got := orderState(t, r.e, "LOST"); got != ordcontract.StateCancelled {
		t.Fatalf("the unanswered order is %s", got)
	}
	if gw.Outstanding("LOST") != 0 || gw.Outstanding("KEPT") != 13500 {
		t.Fatalf("gateway ledger %+v", gw.Ledger())
	}
	if l, _ := r.stock.Level(ctx, "LAMP"); l.Reserved != 3 {
		t.Fatalf("stock %+v, want the confirmed order's 3 reserved", l)
	}

	if _, err := application.Send(ctx, r.e.App, ordcontract.CancelOrder{OrderID: "KEPT", Reason: "changed my mind"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := r.rt.Instance(ctx, orders.FulfilmentSaga, "KEPT")
		if err != nil {
			t.Fatal(err)
		}
		if st.Status == sagas.StatusCompensated {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cancelled order's instance is %s: %s", st.Status, st.Reason)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if l, _ := r.stock.Level(ctx, "LAMP"); l.Reserved != 0 || gw.Outstanding("KEPT") != 0 || gw.DoubleCharges() != nil {
		t.Fatalf("after the customer cancelled: stock %+v, ledger %+v", l, gw.Ledger())
	}
}
