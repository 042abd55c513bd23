package sagas_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/sagas"
)

func TestTransientFailuresAreRetriedWithBackoffThenFail(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel"))
	first := s.Sent()[0]
	// Backoff 1s, 2s, 4s, 8s between the five attempts.
	for i, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		s.FailTransiently("t1", "book-0", "database is locked").
			Advance(wait - time.Millisecond).ThenNothingSent().
			Advance(time.Millisecond)
		again := s.Sent()
		if len(again) != 1 || again[0].CommandID != first.CommandID || again[0].Attempt != i+2 {
			t.Fatalf("retry %d sent %+v; want the same command id, attempt %d", i+1, again, i+2)
		}
	}
	s.FailTransiently("t1", "book-0", "database is locked").
		ThenStatus("t1", sagas.StatusFailed, "step book-0 failed 5 times", "database is locked").
		Advance(time.Hour).ThenNothingSent()

	// An operator retries: a new round of attempts.
	retry(t, s, sagas.InstanceID(definition, "t1"))
	s.ThenStatus("t1", sagas.StatusRunning)
	again := s.Sent()
	if len(again) != 1 || again[0].CommandID != first.CommandID || again[0].Attempt != 6 {
		t.Fatalf("the operator's retry sent %+v", again)
	}
	s.FailTransiently("t1", "book-0", "still locked").Advance(time.Second)
	s.Sent()
	s.Succeed("t1", "book-0").ThenStatus("t1", sagas.StatusCompleted)
}

func retry(t *testing.T, s *testkit.SagaScenario, instance string) {
	t.Helper()
	body, _ := json.Marshal(sagas.RetryInstance{Instance: instance})
	ctx := application.WithMeta(t.Context(), application.Meta{Actor: "operator", CommandID: "retry-1"})
	if _, err := s.Engine.App.Dispatch(ctx, "sagas.RetryInstance", body); err != nil {
		t.Fatal(err)
	}
	// The same operator command again changes nothing.
	if _, err := s.Engine.App.Dispatch(ctx, "sagas.RetryInstance", body); err != nil {
		t.Fatal(err)
	}
}

func TestOperatorCommandsRefuseWhatDoesNotFit(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel"))
	for _, tc := range []struct {
		command string
		body    any
		code    string
	}{
		{"sagas.RetryInstance", sagas.RetryInstance{Instance: sagas.InstanceID(definition, "t1")}, "saga_not_failed"},
		{"sagas.RetryInstance", sagas.RetryInstance{Instance: sagas.InstanceID(definition, "nope")}, "unknown_saga_instance"},
		{"sagas.RetryInstance", sagas.RetryInstance{Instance: "sagas.other.Thing.t1"}, "unknown_saga_instance"},
		{"sagas.CompensateInstance", sagas.CompensateInstance{Instance: sagas.InstanceID(definition, "nope")}, "unknown_saga_instance"},
	} {
		body, _ := json.Marshal(tc.body)
		_, err := s.Engine.App.Dispatch(t.Context(), tc.command, body)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != tc.code {
			t.Errorf("%s %s: %v, want %s", tc.command, body, err, tc.code)
		}
	}
	if _, err := s.Engine.App.Dispatch(t.Context(), "sagas.RetryInstance", []byte(`{}`)); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("a retry without instance: %v", err)
	}
}

func TestOperatorCompensatesAFailedInstance(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight")).Succeed("t1", "book-0")
	s.Sent()
	for range 5 {
		s.FailTransiently("t1", "book-1", "locked").Advance(time.Minute)
	}
	s.ThenStatus("t1", sagas.StatusFailed)
	s.Sent()
	body, _ := json.Marshal(sagas.CompensateInstance{Instance: sagas.InstanceID(definition, "t1"), Reason: "given up"})
	if _, err := s.Engine.App.Dispatch(t.Context(), "sagas.CompensateInstance", body); err != nil {
		t.Fatal(err)
	}
	s.ThenStatus("t1", sagas.StatusCompensating, "given up").
		ThenSent(CancelBooking{TripID: "t1", Item: "hotel"}).
		Succeed("t1", "undo:book-0").
		ThenStatus("t1", sagas.StatusCompensated)
}

func TestARefusedCompensationFailsTheInstanceForAnOperator(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight")).Succeed("t1", "book-0").
		Refuse("t1", "book-1", "sold_out", "gone").
		Refuse("t1", "undo:book-0", "too_late", "the hotel keeps the money").
		ThenStatus("t1", sagas.StatusFailed, "compensation of step book-0", "keeps the money")
	s.Sent()
	retry(t, s, sagas.InstanceID(definition, "t1"))
	s.ThenStatus("t1", sagas.StatusCompensating).
		ThenSent(CancelBooking{TripID: "t1", Item: "hotel"}).
		Succeed("t1", "undo:book-0").
		ThenStatus("t1", sagas.StatusCompensated)
}

func TestAHandlerErrorFailsTheInstanceWithTheReason(t *testing.T) {
	t.Parallel()
	d := sagas.Define[tripState](definition, 1)
	sagas.StartOn(d, func(e TripRequested) string { return e.TripID }, func(c *sagas.Context[tripState], _ TripRequested) error {
		c.Send("x", struct{ Unregistered bool }{})
		return nil
	})
	s := testkit.Saga(t, definition, tripsModule{versions: []sagas.Logic{d}})
	s.When("trips.requests", trip("hotel")).ThenNothingSent().
		ThenStatus("t1", sagas.StatusFailed, "step x", "no running module registered a command")
}
