package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/jobs"
)

func TestAJobRunsWithProgressAndSucceedsOnce(t *testing.T) {
	t.Parallel()
	m := newReports()
	s := scenario(t, m, nil)
	id := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 3}, Key: "r1"})
	if id != "jobs.reports.Count.r1" {
		t.Fatalf("job id %q", id)
	}
	s.ThenStatus(id, jobs.StatusQueued, 0)
	s.Drain().ThenStatus(id, jobs.StatusSucceeded, 1)
	d := s.Job(id)
	if d.Percent != 100 || d.Active || d.FinishedAt == "" || d.Kind != jobs.KindJob || d.Type != "reports.Count" {
		t.Fatalf("succeeded job shows %+v", d)
	}
	types := eventsOf(t, s, id)
	want := []string{"jobs.Enqueued", "jobs.AttemptStarted", "jobs.Progressed", "jobs.Succeeded"}
	if !slices.Equal(types, want) {
		// Percent 33, 66, 100 at one clock instant: each percent is stored.
		want = []string{"jobs.Enqueued", "jobs.AttemptStarted", "jobs.Progressed", "jobs.Progressed", "jobs.Progressed", "jobs.Succeeded"}
		if !slices.Equal(types, want) {
			t.Fatalf("stream holds %v", types)
		}
	}
	// Tickets delivered again, and recovery, change nothing.
	_ = s.Queue.Publish(context.Background(), jobs.Ticket{Job: id, Attempt: 1})
	s.Drain()
	if err := s.Runtime.Check(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	s.Drain()
	if got := eventsOf(t, s, id); !slices.Equal(got, types) || m.runs.Load() != 1 {
		t.Fatalf("a redelivered ticket ran the job again: %d runs, stream %v", m.runs.Load(), got)
	}
}

func TestTheSameKeyGivesOneJob(t *testing.T) {
	t.Parallel()
	m := newReports()
	s := scenario(t, m, nil)
	a := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 1}, Key: "same"})
	b := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 1}, Key: "same"})
	if a != b {
		t.Fatalf("two ids for one key: %s, %s", a, b)
	}
	s.Drain()
	if n := count(eventsOf(t, s, a), "jobs.Enqueued"); n != 1 || m.runs.Load() != 1 {
		t.Fatalf("%d Enqueued events, %d runs for one key", n, m.runs.Load())
	}
	c := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 1}})
	if c == a {
		t.Fatal("a job without key took the keyed job's id")
	}
}

func TestBadInputIsRefusedWithFieldPointersBeforeAnythingIsStored(t *testing.T) {
	t.Parallel()
	s := scenario(t, newReports(), nil)
	ctx := context.Background()
	before, err := s.Engine.Events.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		job     application.Job
		pointer string
	}{
		{application.Job{Type: "reports.Count", Input: CountInput{Items: 0}}, "/items"},
		{application.Job{Type: "reports.Count", Input: json.RawMessage(`{"items":2,"colour":"red"}`)}, "/colour"},
		{application.Job{Type: "reports.Count", Input: json.RawMessage(`{"items":2,"label":"aaaaaaaaaaaaaaaaaaaaaaaaa"}`)}, "/label"},
		{application.Job{Type: "reports.Nope", Input: CountInput{Items: 1}}, "/type"},
		{application.Job{Type: "reports.Count", Input: CountInput{Items: 1}, Key: "no spaces"}, "/key"},
	}
	for _, c := range cases {
		_, err := s.Runtime.Enqueue(ctx, c.job)
		if !hasPointer(err, c.pointer) {
			t.Errorf("enqueue %+v: %v, want a field error at %s", c.job, err, c.pointer)
		}
	}
	if head, err := s.Engine.Events.Head(ctx); err != nil || head != before {
		t.Fatalf("bad input stored events: head %d after %d, %v", head, before, err)
	}
}

func hasPointer(err error, pointer string) bool {
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindInvalid {
		return false
	}
	for _, f := range de.Fields {
		if f.Pointer == pointer {
			return true
		}
	}
	return false
}

func TestAFailedAttemptIsRetriedWithBackoff(t *testing.T) {
	t.Parallel()
	m := newReports()
	s := scenario(t, m, nil)
	id := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 1, FailTimes: 2}})
	start := s.Clock.Now()
	s.Drain().ThenStatus(id, jobs.StatusRetrying, 1)
	d := s.Job(id)
	if d.LastError != "attempt 1 found the store busy" || d.NextRun != start.Add(time.Second).Format("2006-01-02T15:04:05.000000Z") {
		t.Fatalf("after a failure the job shows error %q, next run %q", d.LastError, d.NextRun)
	}
	s.Advance(999*time.Millisecond).ThenStatus(id, jobs.StatusRetrying, 1)
	s.Advance(time.Millisecond).ThenStatus(id, jobs.StatusRetrying, 2)
	// The backoff doubles.
	s.Advance(time.Second).ThenStatus(id, jobs.StatusRetrying, 2)
	s.Advance(time.Second).ThenStatus(id, jobs.StatusSucceeded, 3)
	if m.runs.Load() != 3 {
		t.Fatalf("%d runs", m.runs.Load())
	}
}

func TestAJobFailsAfterItsAttemptsOrAtOnceOnAPermanentError(t *testing.T) {
	t.Parallel()
	s := scenario(t, newReports(), nil)
	worn := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 1, FailTimes: 9}})
	broken := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 1, FailTimes: 9, Permanent: true}})
	s.Drain().Advance(time.Second).Advance(2 * time.Second).Advance(time.Hour)
	s.ThenStatus(worn, jobs.StatusFailed, 3).ThenStatus(broken, jobs.StatusFailed, 1)
	if d := s.Job(broken); d.LastError != "attempt 1 broke for good" || d.Active {
		t.Fatalf("a permanently failed job shows %+v", d)
	}
}

func TestCancellationStopsARunningJob(t *testing.T) {
	t.Parallel()
	m := newReports()
	s := scenario(t, m, nil)
	id := s.Enqueue(application.Job{Type: "reports.Block"})
	for _, tk := range s.Queue.Take() {
		if err := s.Runtime.Handle(context.Background(), tk); err != nil {
			t.Fatal(err)
		}
	}
	<-m.started
	s.ThenStatus(id, jobs.StatusRunning, 1)
	if _, err := s.Runtime.Cancel(context.Background(), id, "not needed"); err != nil {
		t.Fatal(err)
	}
	s.Runtime.Wait()
	if m.stopped.Load() != 1 {
		t.Fatal("the running attempt's context was not cancelled")
	}
	s.ThenStatus(id, jobs.StatusCancelled, 1)
	types := eventsOf(t, s, id)
	if count(types, "jobs.Succeeded")+count(types, "jobs.Failed")+count(types, "jobs.AttemptFailed") != 0 {
		t.Fatalf("a cancelled attempt's outcome was recorded: %v", types)
	}
	// Cancelling again is harmless; a queued job is cancelled before it runs.
	if _, err := s.Runtime.Cancel(context.Background(), id, ""); err != nil {
		t.Fatal(err)
	}
	q := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 1}})
	if _, err := s.Runtime.Cancel(context.Background(), q, ""); err != nil {
		t.Fatal(err)
	}
	s.Drain().ThenStatus(q, jobs.StatusCancelled, 0)
	if m.runs.Load() != 0 {
		t.Fatal("a cancelled queued job ran")
	}
	done := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 1}})
	s.Drain()
	if _, err := s.Runtime.Cancel(context.Background(), done, ""); domain.KindOf(err) != domain.KindConflict {
		t.Fatalf("cancelling a finished job: %v", err)
	}
	if _, err := s.Runtime.Cancel(context.Background(), "jobs.reports.Count.nope", ""); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("cancelling an unknown job: %v", err)
	}
}

func TestAnAttemptTimesOutAndIsRetried(t *testing.T) {
	t.Parallel()
	m := newReports()
	m.timeout = 20 * time.Millisecond
	s := scenario(t, m, nil)
	id := s.Enqueue(application.Job{Type: "reports.Block"})
	s.Drain().ThenStatus(id, jobs.StatusRetrying, 1)
	if d := s.Job(id); d.LastError != "the attempt timed out after 20ms" {
		t.Fatalf("last error %q", d.LastError)
	}
	s.Advance(time.Second).ThenStatus(id, jobs.StatusFailed, 2)
	if m.stopped.Load() != 2 {
		t.Fatalf("%d attempts saw their context end", m.stopped.Load())
	}
}

func TestAJobKilledMidRunIsRetriedAndNeverDoneTwice(t *testing.T) {
	t.Parallel()
	m := newReports()
	s := scenario(t, m, nil)
	id := s.Enqueue(application.Job{Type: "reports.Block"})
	for _, tk := range s.Queue.Take() {
		if err := s.Runtime.Handle(context.Background(), tk); err != nil {
			t.Fatal(err)
		}
	}
	<-m.started
	s.Restart() // the attempt is abandoned; recovery fails it as interrupted and retries
	s.ThenStatus(id, jobs.StatusRetrying, 1)
	if d := s.Job(id); d.LastError == "" {
		t.Fatal("the interrupted attempt has no error")
	}
	go func() { <-m.started; close(m.release) }()
	s.Drain().ThenStatus(id, jobs.StatusSucceeded, 2)
	// Another restart, a duplicate ticket, a second recovery: still done once.
	s.Restart()
	_ = s.Queue.Publish(context.Background(), jobs.Ticket{Job: id, Attempt: 2})
	_ = s.Queue.Publish(context.Background(), jobs.Ticket{Job: id, Attempt: 3})
	s.Drain()
	if err := s.Runtime.Check(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	s.Drain().ThenStatus(id, jobs.StatusSucceeded, 2)
	if n := count(eventsOf(t, s, id), "jobs.Succeeded"); n != 1 {
		t.Fatalf("the job succeeded %d times", n)
	}
}

func TestWithoutExclusiveAnAttemptIsTakenOverAfterItsDeadline(t *testing.T) {
	t.Parallel()
	m := newReports()
	m.timeout = time.Minute
	s := scenario(t, m, func(o *jobs.Options) { o.Exclusive = false })
	id := s.Enqueue(application.Job{Type: "reports.Block"})
	for _, tk := range s.Queue.Take() {
		if err := s.Runtime.Handle(context.Background(), tk); err != nil {
			t.Fatal(err)
		}
	}
	<-m.started
	s.Restart().ThenStatus(id, jobs.StatusRunning, 1) // another process may still run it
	s.Advance(59*time.Second).ThenStatus(id, jobs.StatusRunning, 1)
	go func() { <-m.started; close(m.release) }()
	s.Advance(time.Second).ThenStatus(id, jobs.StatusSucceeded, 2)
}

func TestAJobEnqueuedFromACommandHandler(t *testing.T) {
	t.Parallel()
	m := newReports()
	s := scenario(t, m, nil)
	res, err := s.Engine.Dispatch(context.Background(), "reports.RequestReport", RequestReport{Items: 2})
	if err != nil {
		t.Fatal(err)
	}
	s.Drain().ThenStatus(res.Stream, jobs.StatusSucceeded, 1)
	// Without a runtime in the context there is no queue.
	if _, err := application.RunBackground(context.Background(), application.Job{Type: "reports.Count"}); domain.KindOf(err) != domain.KindConflict {
		t.Fatalf("RunBackground without jobs: %v", err)
	}
}

func TestWorkersAreBounded(t *testing.T) {
	t.Parallel()
	m := newReports()
	s := scenario(t, m, func(o *jobs.Options) { o.Workers = 2 })
	for range 3 {
		s.Enqueue(application.Job{Type: "reports.Block"})
	}
	tickets := s.Queue.Take()
	for _, tk := range tickets[:2] {
		if err := s.Runtime.Handle(context.Background(), tk); err != nil {
			t.Fatal(err)
		}
	}
	<-m.started
	<-m.started
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Runtime.Handle(ctx, tickets[2]); err == nil {
		t.Fatal("a third attempt started with two workers busy")
	}
	close(m.release)
	s.Runtime.Wait()
	if err := s.Runtime.Handle(context.Background(), tickets[2]); err != nil {
		t.Fatal(err)
	}
	s.Runtime.Wait()
}
