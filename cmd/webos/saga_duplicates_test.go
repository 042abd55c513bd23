package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/webos-engine/webos/adapters/sagabus"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	ordcontract "github.com/webos-engine/webos/modules/orders/contract"
	"github.com/webos-engine/webos/modules/payments/simulated"
	whcontract "github.com/webos-engine/webos/modules/warehouse/contract"
	"github.com/webos-engine/webos/sagas"
)

// twicePublisher publishes every message twice: a broker that delivers
// everything again.
type twicePublisher struct {
	message.Publisher
	mu     sync.Mutex
	topics map[string]int // messages published twice, by topic
}

func (p *twicePublisher) Publish(topic string, msgs ...*message.Message) error {
	p.mu.Lock()
	p.topics[topic] += len(msgs)
	p.mu.Unlock()
	for _, m := range msgs {
		if err := p.Publisher.Publish(topic, m, m.Copy()); err != nil {
			return err
		}
	}
	return nil
}

// TestEveryMessageDeliveredTwiceChangesNothing runs the OrderFulfilment
// saga on the real modules with every message delivered twice: each
// command and each reply crosses the Watermill command bus twice (the
// same message id, as a broker redelivers it), and two consumers of the
// store's feed, with their own checkpoints, hand every event to the
// runtime twice, concurrently. Every order ends as its path does, and no
// command is applied twice: one reservation and at most one release per
// order and SKU, one of each order event, one success recorded per step,
// no double charge.
func TestEveryMessageDeliveredTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	const n = 24
	gw := simulated.New(simulated.Behaviour{})
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("TWICE-%02d", i)
		if i%4 == 0 {
			gw.SetFor(ids[i], simulated.Behaviour{Outcome: simulated.Decline})
		}
	}
	module := &sagas.Module{}
	e := testkit.NewEngine(t, fulfilmentModules(module, gw, time.Minute)...)
	log := slog.New(slog.DiscardHandler)
	ch := sagabus.NewGoChannel(log)
	twice := &twicePublisher{Publisher: ch, topics: map[string]int{}}
	bus, err := sagabus.New(twice, ch, e.App, log)
	if err != nil {
		t.Fatal(err)
	}
	rt := sagas.NewRuntime(e.App, e.Events, bus, sagas.Options{Logger: log, RetryBackoff: 5 * time.Millisecond, MaxAttempts: 20})
	module.Use(rt)
	ctx, cancel := context.WithCancel(context.Background())
	var running sync.WaitGroup
	defer func() { cancel(); running.Wait(); _ = ch.Close() }()
	running.Go(func() { _ = bus.Run(ctx, rt.HandleReply) })
	<-bus.Running()
	running.Go(func() { rt.Follow(ctx, e.Events) })
	running.Go(func() { rt.Follow(ctx, application.ReadModelCheckpoints{Store: e.ReadModels}) })
	running.Go(func() { rt.RunTimers(ctx) })

	for _, sku := range []string{"A", "B"} {
		if _, err := application.Send(ctx, e.App, whcontract.RegisterItem{SKU: sku, Name: sku, Unit: "pcs"}); err != nil {
			t.Fatal(err)
		}
		if _, err := application.Send(ctx, e.App, whcontract.ReceiveStock{SKU: sku, Quantity: 1000}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids {
		if _, err := application.Send(ctx, e.App, ordcontract.PlaceOrder{OrderID: id, CustomerID: "C", Currency: "EUR",
			Lines: []ordcontract.Line{{SKU: "A", Quantity: 2, UnitPrice: 100}, {SKU: "B", Quantity: 1, UnitPrice: 300}}}); err != nil {
			t.Fatal(err)
		}
	}
	r := &fulfilmentRig{e: e, rt: rt, gw: gw}
	ended := r.waitEnded(t, ids, 60*time.Second)
	confirmed := 0
	for i, id := range ids {
		want := sagas.StatusCompleted
		if i%4 == 0 {
			want = sagas.StatusCompensated
		} else {
			confirmed++
		}
		if ended[id] != want {
			t.Errorf("%s ended %s, want %s", id, ended[id], want)
		}
	}
	time.Sleep(100 * time.Millisecond) // let the last duplicates land
	twice.mu.Lock()
	if twice.topics[sagabus.CommandTopic] < n*7 || twice.topics[sagabus.ReplyTopic] < n*7 {
		t.Errorf("published twice: %v; every order sends at least seven commands", twice.topics)
	}
	twice.mu.Unlock()
	stock, err := application.Lookup[whcontract.StockLevels](e.App.Services())
	if err != nil {
		t.Fatal(err)
	}
	for sku, per := range map[string]int64{"A": 2, "B": 1} {
		if l, err := stock.Level(ctx, sku); err != nil || l.Reserved != per*int64(confirmed) || l.OnHand != 1000 {
			t.Errorf("%s: %+v %v, want %d reserved", sku, l, err, per*int64(confirmed))
		}
	}
	if d := gw.DoubleCharges(); d != nil {
		t.Errorf("charged twice: %v", d)
	}
	for key, count := range appliedCounts(t, e) {
		if count > 1 {
			t.Errorf("%s happened %d times", key, count)
		}
	}
}

// appliedCounts counts, over the whole store, the events that must each
// happen once: per order and SKU a reservation and a release, per order
// each of its own events, per instance each step's success.
func appliedCounts(t *testing.T, e *testkit.Engine) map[string]int {
	t.Helper()
	envs, err := e.Events.ReadAll(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, env := range envs {
		var f struct {
			OrderID      string `json:"orderId"`
			SKU          string `json:"sku"`
			PaymentID    string `json:"paymentId"`
			Step         string `json:"step"`
			Compensation bool   `json:"compensation"`
		}
		if err := json.Unmarshal(env.Data, &f); err != nil {
			t.Fatal(err)
		}
		switch env.Type {
		case "warehouse.StockReserved", "warehouse.ReservationReleased":
			counts[env.Type+" "+f.OrderID+" "+f.SKU]++
		case "sagas.StepSucceeded":
			counts[fmt.Sprintf("%s %s %s %v", env.Type, env.StreamID, f.Step, f.Compensation)]++
		case "payments.PaymentAuthorised", "payments.PaymentDeclined", "payments.PaymentRefunded":
			counts[env.Type+" "+f.PaymentID]++
		default:
			if f.OrderID != "" && strings.HasPrefix(env.Type, "orders.") {
				counts[env.Type+" "+f.OrderID]++
			}
		}
	}
	if len(counts) == 0 {
		t.Fatal("no event counted")
	}
	return counts
}
