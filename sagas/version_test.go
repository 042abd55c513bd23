package sagas_test

import (
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/jsonschema"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/sagas"
)

// bookingV2 books the items in reverse order and keeps its own state.
type tripStateV2 struct {
	Trip      string   `json:"trip"`
	Remaining []string `json:"remaining"`
	Booked    int      `json:"booked"`
}

func bookingV2() *sagas.Definition[tripStateV2] {
	d := sagas.Define[tripStateV2](definition, 2)
	next := func(c *sagas.Context[tripStateV2]) {
		s := c.State
		if len(s.Remaining) == 0 {
			c.Complete()
			return
		}
		item := s.Remaining[len(s.Remaining)-1]
		s.Remaining = s.Remaining[:len(s.Remaining)-1]
		c.Send("v2-"+item, Book{TripID: s.Trip, Item: item}, sagas.Undo(CancelBooking{TripID: s.Trip, Item: item}))
	}
	sagas.StartOn(d, func(e TripRequested) string { return e.TripID }, func(c *sagas.Context[tripStateV2], e TripRequested) error {
		*c.State = tripStateV2{Trip: e.TripID, Remaining: e.Items}
		next(c)
		return nil
	})
	d.OnStepDone(func(c *sagas.Context[tripStateV2], _ sagas.StepResult) error {
		c.State.Booked++
		next(c)
		return nil
	})
	return d
}

func TestRunningInstancesFinishUnderTheirVersion(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight")).Succeed("t1", "book-0")
	s.Sent()
	s.Redeploy(tripsModule{versions: []sagas.Logic{bookingV2(), bookingV1()}})
	// t1 started under v1 and goes on in v1's order; t2 starts under v2.
	s.ThenSent(Book{TripID: "t1", Item: "flight"}).
		Succeed("t1", "book-1").
		ThenStatus("t1", sagas.StatusCompleted)
	if v := s.Instance("t1").Version; v != 1 {
		t.Fatalf("t1 runs under version %d", v)
	}
	s.When("trips.requests", TripRequested{TripID: "t2", Items: []string{"hotel", "flight"}}).
		ThenSent(Book{TripID: "t2", Item: "flight"}).
		Succeed("t2", "v2-flight").
		ThenSent(Book{TripID: "t2", Item: "hotel"})
	if v := s.Instance("t2").Version; v != 2 {
		t.Fatalf("t2 runs under version %d", v)
	}
}

func TestAMigrationMovesRunningInstancesOntoTheNewVersion(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight", "car")).Succeed("t1", "book-0")
	s.Sent()
	v2 := bookingV2()
	v2.MigrateFrom(1, func(old json.RawMessage) (tripStateV2, error) {
		var s tripState
		err := json.Unmarshal(old, &s)
		return tripStateV2{Trip: s.Trip, Remaining: s.Items[s.Next+1:], Booked: s.Next}, err
	})
	s.Redeploy(tripsModule{versions: []sagas.Logic{v2}})
	// book-1 (flight) was in flight under v1; its reply migrates t1, and v2
	// books what remains its way.
	s.ThenSent(Book{TripID: "t1", Item: "flight"}).
		Succeed("t1", "book-1").
		ThenSent(Book{TripID: "t1", Item: "car"}).
		ThenState("t1", tripStateV2{Trip: "t1", Remaining: []string{}, Booked: 2})
	if v := s.Instance("t1").Version; v != 2 {
		t.Fatalf("t1 runs under version %d after its migration", v)
	}
	// A compensation after the migration still undoes the v1 steps.
	s.Refuse("t1", "v2-car", "sold_out", "no cars").
		ThenSent(CancelBooking{TripID: "t1", Item: "flight"}).
		Succeed("t1", "undo:book-1").
		ThenSent(CancelBooking{TripID: "t1", Item: "hotel"})
}

func TestAnInstanceWhoseVersionIsGoneFails(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight")).Succeed("t1", "book-0")
	s.Sent()
	s.Redeploy(tripsModule{versions: []sagas.Logic{bookingV2()}})
	s.Sent()
	s.Succeed("t1", "book-1").
		ThenStatus("t1", sagas.StatusFailed, "version 1 is no longer registered")
}

func TestRegisterRefusesMixedUpVersions(t *testing.T) {
	t.Parallel()
	for name, versions := range map[string][]sagas.Logic{
		"older not older": {bookingV1(), bookingV2()},
		"twice":           {bookingV2(), bookingV1(), bookingV1()},
		"another name":    {bookingV2(), sagas.Define[tripState]("trips.Other", 1)},
		"bad name":        {sagas.Define[tripState]("Booking", 1)},
		"version 0":       {sagas.Define[tripState](definition, 0)},
	} {
		app := application.New(application.Deps{Events: memory.New(), Validator: jsonschema.NewValidator(),
			NewID: func() string { return "id" }, Logger: slog.New(slog.DiscardHandler)})
		app.Load(tripsModule{versions: versions})
		for _, st := range app.Modules() {
			if st.Name == "trips" && st.Status != "failed" {
				t.Errorf("%s: the module started", name)
			}
		}
	}
}
