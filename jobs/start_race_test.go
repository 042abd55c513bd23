package jobs_test

import (
	"context"
	"slices"
	"testing"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/jobs"
)

// checkAfterStart is an event store that runs check on a job's stream
// right after an attempt's start is stored: a recovery (at start, every
// minute, or a timer) looking at the job in the moment between the
// stored start and the attempt running.
type checkAfterStart struct {
	application.EventStore
	check func(ctx context.Context, stream string)
}

func (s checkAfterStart) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, error) {
	stored, err := s.EventStore.Append(ctx, stream, expected, events)
	if err == nil && slices.ContainsFunc(events, func(e domain.Envelope) bool { return e.Type == "jobs.AttemptStarted" }) {
		s.check(ctx, stream)
	}
	return stored, err
}

// TestARecoveryCheckAsAnAttemptStartsLeavesItAlone: the process that
// stored an attempt's start runs it; a check in that moment, on the
// embedded default (Exclusive), does not fail it as interrupted and
// start another attempt beside it.
func TestARecoveryCheckAsAnAttemptStartsLeavesItAlone(t *testing.T) {
	t.Parallel()
	m := newReports()
	s := testkit.Jobs(t, nil, m)
	id := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 3}})
	s.Queue.Take() // this test runs the ticket on its own runtime
	var rt *jobs.Runtime
	store := checkAfterStart{EventStore: s.Engine.Events, check: func(ctx context.Context, stream string) {
		if err := rt.Check(ctx, stream); err != nil {
			t.Errorf("check %s: %v", stream, err)
		}
	}}
	queue := &testkit.TicketQueue{}
	rt = jobs.NewRuntime(s.Engine.App, store, queue, jobs.Options{Clock: s.Clock.Now, Exclusive: true})
	t.Cleanup(rt.Stop)
	if err := rt.Handle(context.Background(), jobs.Ticket{Job: id, Attempt: 1}); err != nil {
		t.Fatal(err)
	}
	rt.Wait()
	if extra := queue.Take(); len(extra) != 0 {
		t.Errorf("tickets published beside the running attempt: %v", extra)
	}
	if n := m.runs.Load(); n != 1 {
		t.Errorf("the job ran %d times, want once", n)
	}
	s.ThenStatus(id, jobs.StatusSucceeded, 1)
}
