package sagas_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/sagas"
)

// appendIn appends e to stream of tenant, as a command of that tenant's
// principal would.
func appendIn(t *testing.T, s *testkit.SagaScenario, tenant, stream string, e domain.Event) domain.Envelope {
	t.Helper()
	typ, ver, data, err := s.Engine.App.Events().Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	env := domain.Envelope{ID: fmt.Sprintf("%s-%s-%d", tenant, stream, time.Now().UnixNano()), Type: typ, SchemaVersion: ver,
		StreamID: application.TenantKey(tenant, stream), Tenant: tenant, RecordedAt: s.Clock.Now(), Actor: "tester", Data: data}
	stored, err := s.Engine.Events.Append(t.Context(), env.StreamID, domain.AnyVersion, []domain.Envelope{env})
	if err != nil {
		t.Fatal(err)
	}
	return stored[0]
}

// eventually waits up to five seconds for ok.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still not %s after 5s", what)
		}
	}
}

// TestFollowHoldsTheEventsOfAModuleDisabledInTheirTenant: while trips is
// disabled in acme, the feed starts no acme instance of its saga (and
// keeps where the held events start, across a restart), while the
// default tenant's instances go on; enabled again, acme's instance starts
// from the held events, in order, and sends its first command once.
func TestFollowHoldsTheEventsOfAModuleDisabledInTheirTenant(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	cps := application.ReadModelCheckpoints{Store: s.Engine.ReadModels}
	s.Engine.App.SetDisabled("acme", []string{"trips"})
	follow := func() (stop func()) {
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); s.Runtime.Follow(ctx, cps) }()
		return func() { cancel(); <-done }
	}
	instance := func(key string) sagas.InstanceState {
		st, err := s.Runtime.Instance(t.Context(), definition, key)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	held := func() application.Checkpoint {
		cp, err := cps.LoadCheckpoint(t.Context(), sagas.FeedConsumer+".held."+definition)
		if err != nil {
			t.Fatal(err)
		}
		return cp
	}
	stop := follow()
	first := appendIn(t, s, "acme", "trips.requests", TripRequested{TripID: "a1", Items: []string{"hotel"}})
	appendIn(t, s, "acme", "trips.events", TripAbandoned{TripID: "a1"})
	last := appendIn(t, s, application.DefaultTenant, "trips.requests", TripRequested{TripID: "d1", Items: []string{"car"}})
	eventually(t, "past the events", func() bool {
		cp, err := cps.LoadCheckpoint(t.Context(), sagas.FeedConsumer)
		return err == nil && cp.Position >= last.Position
	})
	if !instance("d1").Exists {
		t.Fatal("the default tenant's instance did not start")
	}
	if st := instance("a1~acme"); st.Exists {
		t.Fatalf("acme's instance started while trips is disabled there: %+v", st)
	}
	if cp := held(); cp.StoreID == "" || cp.Position != first.Position-1 {
		t.Fatalf("held events recorded from %+v, want after %d", cp, first.Position-1)
	}
	stop()

	stop = follow() // as after a restart, still disabled
	time.Sleep(50 * time.Millisecond)
	if instance("a1~acme").Exists {
		t.Fatal("acme's instance started after a restart while trips is disabled there")
	}
	s.Engine.App.SetDisabled("acme", nil)
	eventually(t, "handed on", func() bool { return instance("a1~acme").Status == sagas.StatusCompensating })
	stop()
	if cp := held(); cp.StoreID != "" {
		t.Fatalf("the held events are still recorded after they went on: %+v", cp)
	}
	books := 0
	for _, c := range s.Sent() {
		if c.Instance == sagas.InstanceID(definition, "a1~acme") && c.Name == "trips.Book" {
			books++
		}
	}
	if books != 1 {
		t.Fatalf("acme's instance sent its booking %d times, want once", books)
	}
}

// TestTimersRepliesAndOperatorsWaitWhileTheModuleIsDisabled: an instance
// whose module is disabled in its tenant does not advance: its timer that
// falls due, and a reply that arrives, wait until it is enabled again, and
// an operator's retry is refused with module_disabled.
func TestTimersRepliesAndOperatorsWaitWhileTheModuleIsDisabled(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight")).ThenSent(Book{TripID: "t1", Item: "hotel"})
	s.Engine.App.SetDisabled(application.DefaultTenant, []string{"trips"})

	s.Succeed("t1", "book-0").ThenNothingSent().ThenStatus("t1", sagas.StatusRunning)
	if st := s.Instance("t1"); len(st.Waiting) != 1 || st.Waiting[0] != "book-0" {
		t.Fatalf("the reply was handled while trips is disabled: waiting for %v", st.Waiting)
	}
	s.Advance(2*time.Hour).ThenNothingSent().ThenStatus("t1", sagas.StatusRunning)
	if err := s.Runtime.Retry(t.Context(), sagas.InstanceID(definition, "t1")); !application.IsModuleDisabled(err) {
		t.Fatalf("an operator's retry while trips is disabled: %v", err)
	}

	s.Engine.App.SetDisabled(application.DefaultTenant, nil)
	if err := s.Runtime.FireDue(t.Context(), s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	// The reply went on (book-1 was sent) and the deadline fired after it.
	s.ThenStatus("t1", sagas.StatusCompensating, "deadline")
	s.ThenSent(Book{TripID: "t1", Item: "flight"})
}

// TestAWaitingCommandRefusedWhileTheModuleIsDisabledIsSentAgain: a
// restart while trips is disabled sends the instance's waiting command
// again (Recover), and the pipeline refuses it with module_disabled; that
// refusal waits with the instance and, once trips is enabled, the command
// is sent again and booked, instead of failing the instance on a refusal
// that was never the module's answer.
func TestAWaitingCommandRefusedWhileTheModuleIsDisabledIsSentAgain(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	requested := s.Append("trips.requests", trip("hotel"))
	s.Deliver(requested).ThenSent(Book{TripID: "t1", Item: "hotel"})
	s.Engine.App.SetDisabled(application.DefaultTenant, []string{"trips"})
	s.Executing().Restart().ThenStatus("t1", sagas.StatusRunning)

	s.Engine.App.SetDisabled(application.DefaultTenant, nil)
	if err := s.Runtime.FireDue(t.Context(), s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	s.Deliver(requested) // (changes nothing: hands the scenario the command's reply)
	s.ThenStatus("t1", sagas.StatusCompleted)
}
