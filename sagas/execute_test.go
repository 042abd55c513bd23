package sagas_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/sagas"
)

func TestExecutingRunsTheCommandsOnTheModules(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{}).Executing()
	s.When("trips.requests", trip("hotel", "sold-out")).
		ThenSent(Book{TripID: "t1", Item: "hotel"}, Book{TripID: "t1", Item: "sold-out"}, CancelBooking{TripID: "t1", Item: "hotel"}).
		ThenStatus("t1", sagas.StatusCompensated, "sold out")
	evs, err := s.Engine.Events.ReadStream(t.Context(), "trips.t1-hotel", 0, 0, 0)
	if err != nil || len(evs) != 2 || evs[0].Type != "trips.Booked" || evs[1].Type != "trips.BookingCancelled" {
		t.Fatalf("the hotel's stream: %d events, %v", len(evs), err)
	}
	if evs[0].Actor != sagas.Actor || evs[0].CorrelationID != sagas.InstanceID(definition, "t1") {
		t.Fatalf("a saga's command is stamped actor %q, correlation %q", evs[0].Actor, evs[0].CorrelationID)
	}
}

func TestACommandSentAgainAfterACrashIsAppliedOnce(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel"))
	cmd := s.Sent()[0]
	// The command is applied, then the process dies before the reply is
	// recorded.
	if r := sagas.Execute(t.Context(), s.Engine.App, cmd, slog.New(slog.DiscardHandler)); !r.OK {
		t.Fatal(r.Message)
	}
	s.Executing().Restart().ThenStatus("t1", sagas.StatusCompleted)
	resent := s.Sent()
	if len(resent) != 1 || resent[0].CommandID != cmd.CommandID {
		t.Fatalf("after the restart, sent %+v", resent)
	}
	evs, err := s.Engine.Events.ReadStream(t.Context(), "trips.t1-hotel", 0, 0, 0)
	if err != nil || len(evs) != 1 {
		t.Fatalf("the command sent twice appended %d events (%v)", len(evs), err)
	}
}

func TestADefinitionRunsAgainstARecordedStream(t *testing.T) {
	t.Parallel()
	// Record real events: two trips, one of them abandoned.
	rec := testkit.Saga(t, definition, tripsModule{}).Executing()
	rec.When("trips.requests", TripRequested{TripID: "a", Items: []string{"hotel"}}).
		When("trips.requests", TripRequested{TripID: "b", Items: []string{"hotel", "car"}}).
		When("trips.events", TripAbandoned{TripID: "b"})
	all, err := rec.Engine.Events.ReadAll(t.Context(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var export bytes.Buffer
	for _, env := range all {
		line, _ := json.Marshal(env)
		export.Write(append(line, '\n'))
	}
	envs, err := testkit.ReadEnvelopes(strings.NewReader(export.String()))
	if err != nil || len(envs) != len(all) {
		t.Fatalf("read %d of %d envelopes: %v", len(envs), len(all), err)
	}
	// Run a fresh runtime over them: same outcome.
	s := testkit.Saga(t, definition, tripsModule{}).Replay(envs...)
	s.ThenStatus("a", sagas.StatusCompleted).ThenStatus("b", sagas.StatusCompensated, "abandoned")
}

func TestTheViewShowsStateStepTimersAndTimeline(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{})
	s.When("trips.requests", trip("hotel", "flight")).Succeed("t1", "book-0")
	d := s.View("t1")
	if d.Status != sagas.StatusRunning || d.Step != "book-1" || !d.Active || len(d.Waiting) != 1 || d.Waiting[0] != "book-1" {
		t.Fatalf("view: %+v", d)
	}
	if len(d.Timers) != 1 || d.Timers[0].Timer != "deadline" || d.Timers[0].DueAt != "2026-01-01T01:00:00.000000Z" {
		t.Fatalf("timers: %+v", d.Timers)
	}
	var commands []string
	for _, e := range d.Timeline {
		if e.At == "" {
			t.Fatalf("a timeline entry without time: %+v", e)
		}
		if e.Command != "" {
			commands = append(commands, e.Step+" "+e.Command)
		}
	}
	if strings.Join(commands, ",") != "book-0 trips.Book,book-1 trips.Book" {
		t.Fatalf("commands in the timeline: %v", commands)
	}
	s.Succeed("t1", "book-1")
	if d := s.View("t1"); d.Status != sagas.StatusCompleted || d.Active || len(d.Timers) != 0 {
		t.Fatalf("view after completion: %+v", d)
	}
}
