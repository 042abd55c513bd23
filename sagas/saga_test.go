package sagas_test

import (
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/sagas"
)

func trip(items ...string) TripRequested { return TripRequested{TripID: "t1", Items: items} }

func TestHappyPathSendsEachStepAfterTheLastSucceeded(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight")).
		ThenSent(Book{TripID: "t1", Item: "hotel"}).
		ThenStatus("t1", sagas.StatusRunning).
		Succeed("t1", "book-0").
		ThenSent(Book{TripID: "t1", Item: "flight"}).
		Succeed("t1", "book-1").
		ThenNothingSent().
		ThenStatus("t1", sagas.StatusCompleted).
		ThenState("t1", tripState{Trip: "t1", Items: []string{"hotel", "flight"}, Next: 2})
	if st := s.Instance("t1"); len(st.Timers) != 0 || len(st.Waiting) != 0 {
		t.Fatalf("a completed instance keeps timers %v or waits for %v", st.Timers, st.Waiting)
	}
}

func TestCompensationsRunInReverseOrderOneAtATime(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.Given("trips.requests", trip("hotel", "flight", "car", "boat")).
		ThenStatus("t1", sagas.StatusCompleted)

	s = testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight", "car", "boat")).
		Succeed("t1", "book-0").Succeed("t1", "book-1").Succeed("t1", "book-2")
	s.Sent()
	s.Refuse("t1", "book-3", "sold_out", "the boat is sold out").
		ThenStatus("t1", sagas.StatusCompensating, "book-3", "sold out").
		ThenSent(CancelBooking{TripID: "t1", Item: "car"}).
		Succeed("t1", "undo:book-2").
		ThenSent(CancelBooking{TripID: "t1", Item: "flight"}).
		Succeed("t1", "undo:book-1").
		ThenSent(CancelBooking{TripID: "t1", Item: "hotel"}).
		Succeed("t1", "undo:book-0").
		ThenNothingSent().
		ThenStatus("t1", sagas.StatusCompensated)
}

func TestCompensationWaitsForTheStepsInFlight(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight")).Succeed("t1", "book-0")
	s.Sent()
	// Abandoned while book-1 is in flight: nothing is undone until it answers.
	s.When("trips.events", TripAbandoned{TripID: "t1"}).
		ThenNothingSent().
		ThenStatus("t1", sagas.StatusCompensating).
		Succeed("t1", "book-1").
		ThenSent(CancelBooking{TripID: "t1", Item: "flight"}).
		Succeed("t1", "undo:book-1").
		ThenSent(CancelBooking{TripID: "t1", Item: "hotel"}).
		Succeed("t1", "undo:book-0").
		ThenStatus("t1", sagas.StatusCompensated)
}

func TestCompensatingACompletedInstance(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.Given("trips.requests", trip("hotel", "flight")).ThenStatus("t1", sagas.StatusCompleted)
	s.When("trips.events", TripAbandoned{TripID: "t1"}).
		ThenSent(CancelBooking{TripID: "t1", Item: "flight"}).
		Succeed("t1", "undo:book-1").
		ThenSent(CancelBooking{TripID: "t1", Item: "hotel"}).
		Succeed("t1", "undo:book-0").
		ThenStatus("t1", sagas.StatusCompensated)
}

func TestAnEventOrReplySeenTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight"))
	sent := s.Sent()
	start, err := s.Engine.Events.ReadStream(t.Context(), "trips.requests", 0, 0, 0)
	if err != nil || len(start) != 1 {
		t.Fatal(len(start), err)
	}
	before := streamLen(t, s)
	s.Deliver(start[0]).ThenNothingSent()
	if after := streamLen(t, s); after != before {
		t.Fatalf("a redelivered start event appended %d events", after-before)
	}
	reply := sagas.Reply{Instance: sent[0].Instance, Step: "book-0", CommandID: sent[0].CommandID, Attempt: 1, OK: true}
	for range 2 {
		if err := s.Runtime.HandleReply(t.Context(), reply); err != nil {
			t.Fatal(err)
		}
	}
	s.ThenSent(Book{TripID: "t1", Item: "flight"}).ThenState("t1", tripState{Trip: "t1", Items: []string{"hotel", "flight"}, Next: 1})
}

func streamLen(t *testing.T, s *testkit.SagaScenario) int {
	t.Helper()
	evs, err := s.Engine.Events.ReadStream(t.Context(), sagas.InstanceID(definition, "t1"), 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

func TestTimerFiresOnceAfterARestart(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight")).Succeed("t1", "book-0")
	s.Sent()
	s.Restart().
		ThenSent(Book{TripID: "t1", Item: "flight"}). // sent again: it waited for its reply
		Advance(59*time.Minute).ThenStatus("t1", sagas.StatusRunning).
		Succeed("t1", "book-1")
	s.Sent()
	s.ThenStatus("t1", sagas.StatusCompleted)

	s = testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight", "car")).Succeed("t1", "book-0").Succeed("t1", "book-1")
	s.Sent()
	s.Restart().Advance(30 * time.Minute)
	s.Clock.Advance(2 * time.Hour) // the deadline falls due while the process is down
	old := s.Runtime
	s.Restart()
	// Each restart sends book-2 again: it waits for its reply.
	s.ThenStatus("t1", sagas.StatusRunning).ThenSent(Book{TripID: "t1", Item: "car"}, Book{TripID: "t1", Item: "car"}).
		Advance(0).
		ThenStatus("t1", sagas.StatusCompensating, "deadline").
		ThenNothingSent(). // book-2 is still in flight
		Succeed("t1", "book-2").
		ThenSent(CancelBooking{TripID: "t1", Item: "car"})
	before := streamLen(t, s)
	// The runtime from before the restart fires the same timer too.
	if err := old.FireDue(t.Context(), s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if after := streamLen(t, s); after != before {
		t.Fatalf("firing a timer twice appended %d events", after-before)
	}
	s.ThenNothingSent()
}
