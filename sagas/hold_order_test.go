package sagas_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/sagas"
)

// TestAReleaseHandsATenantsHeldEventsOnInOrderWhenItIsEnabledMeanwhile:
// trips is enabled in acme while a release for globex is under way (here:
// as globex's instance sends its first command). acme's held events stay
// held for that release, the earlier ones with the later ones, and go on
// in feed order at the next: a2 was started before a1 before.
func TestAReleaseHandsATenantsHeldEventsOnInOrderWhenItIsEnabledMeanwhile(t *testing.T) {
	t.Parallel()
	e := testkit.NewEngine(t)
	m := &sagas.Module{}
	e.Load(t, m, tripsModule{})
	sender := &countingSender{sent: map[string]int{}}
	rt := sagas.NewRuntime(e.App, e.Events, sender, sagas.Options{Logger: slog.New(slog.DiscardHandler)})
	m.Use(rt)
	cps := application.ReadModelCheckpoints{Store: e.ReadModels}
	appendIn := func(tenant, trip string) domain.Envelope {
		typ, ver, data, err := e.App.Events().Encode(TripRequested{TripID: trip, Items: []string{"hotel"}})
		if err != nil {
			t.Fatal(err)
		}
		key := application.TenantKey(tenant, "trips.requests")
		stored, err := e.Events.Append(t.Context(), key, domain.AnyVersion, []domain.Envelope{{ID: tenant + "-" + trip,
			Type: typ, SchemaVersion: ver, StreamID: key, Tenant: tenant, Actor: "tester", Data: data}})
		if err != nil {
			t.Fatal(err)
		}
		return stored[0]
	}
	e.App.SetDisabled("acme", []string{"trips"})
	e.App.SetDisabled("globex", []string{"trips"})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go rt.Follow(ctx, cps)

	appendIn("acme", "a1")
	appendIn("globex", "g1")
	last := appendIn("acme", "a2")
	eventually(t, "past the events", func() bool {
		cp, err := cps.LoadCheckpoint(t.Context(), sagas.FeedConsumer)
		return err == nil && cp.Position >= last.Position
	})
	g1 := sagas.InstanceID(definition, "g1~globex")
	sender.mu.Lock()
	sender.onSend = func(cmd sagas.Command) {
		if cmd.Instance == g1 {
			e.App.SetDisabled("acme", nil)
		}
	}
	sender.mu.Unlock()
	e.App.SetDisabled("globex", nil)

	a1, a2 := sagas.InstanceID(definition, "a1~acme"), sagas.InstanceID(definition, "a2~acme")
	eventually(t, "both of acme's sent", func() bool {
		sent := sender.instances()
		return slices.Contains(sent, a1) && slices.Contains(sent, a2)
	})
	if sent := sender.instances(); slices.Index(sent, a2) < slices.Index(sent, a1) {
		t.Fatalf("acme's a2 started before a1, which came first in the feed: sent %v", sent)
	}
}
