package jobs_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/jobs"
)

func as(grants ...string) context.Context {
	return application.WithPrincipal(context.Background(), application.Principal{ID: "u1", Kind: application.User, UserID: "u1", Grants: grants})
}

func TestEnqueueAndCancelAsCommands(t *testing.T) {
	t.Parallel()
	s := scenario(t, newReports(), func(*jobs.Options) {})
	ctx := as("jobs.enqueue", "jobs.operate", "reports.run")
	res, err := s.Engine.App.Dispatch(ctx, "jobs.Enqueue", []byte(`{"type":"reports.Count","key":"k-1","input":{"items":2}}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Stream != "jobs.reports.Count.k-1" || len(res.Events) != 1 {
		t.Fatalf("enqueue answered %+v", res)
	}
	again, err := s.Engine.App.Dispatch(ctx, "jobs.Enqueue", []byte(`{"type":"reports.Count","key":"k-1","input":{"items":2}}`))
	if err != nil || again.Stream != res.Stream || len(again.Events) != 0 {
		t.Fatalf("enqueue with the same key: %+v, %v", again, err)
	}
	if _, err := s.Engine.App.Dispatch(ctx, "jobs.Cancel", []byte(`{"job":"jobs.reports.Count.k-1","reason":"typo"}`)); err != nil {
		t.Fatal(err)
	}
	s.Drain().ThenStatus(res.Stream, jobs.StatusCancelled, 0)
	// The Idempotency-Key stands in for a missing key.
	keyed := application.WithMeta(ctx, application.Meta{Actor: "u1", CommandID: "retry me/1"})
	a, err := s.Engine.App.Dispatch(keyed, "jobs.Enqueue", []byte(`{"type":"reports.Count","input":{"items":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Engine.App.Dispatch(keyed, "jobs.Enqueue", []byte(`{"type":"reports.Count","input":{"items":1}}`))
	if err != nil || a.Stream != b.Stream {
		t.Fatalf("one Idempotency-Key gave %s and %s (%v)", a.Stream, b.Stream, err)
	}
	page := s.Engine.Query(t, "jobs.list", application.Query{Limit: 10})
	if len(page.Items) < 3 {
		t.Fatalf("jobs.list shows %d documents", len(page.Items))
	}
}

func TestEnqueueRefusesBadInputWithPointersAndNothingStored(t *testing.T) {
	t.Parallel()
	s := scenario(t, newReports(), nil)
	ctx := as("jobs.enqueue", "reports.run")
	before, _ := s.Engine.Events.Head(context.Background())
	for body, pointer := range map[string]string{
		`{"type":"reports.Count","input":{"items":0}}`:                       "/input/items",
		`{"type":"reports.Count","input":{"items":1,"extra":true}}`:          "/input/extra",
		`{"type":"reports.Count","input":{"items":"many"}}`:                  "/input/items",
		`{"type":"reports.Count"}`:                                           "/input/items",
		`{"type":"reports.Missing","input":{}}`:                              "/type",
		`{"type":"reports.Count","key":"a b","input":{"items":1}}`:           "/key",
		`{"type":"reports.Count","input":[1]}`:                               "/input",
		`{"type":"reports.Count","input":{"items":1},"priority":9}`:          "/priority",
		`{"type":"reports.Count","input":{"items":1,"label":"` + "x" + `"}}`: "",
	} {
		_, err := s.Engine.App.Dispatch(ctx, "jobs.Enqueue", []byte(body))
		if pointer == "" {
			if err != nil {
				t.Errorf("%s: %v", body, err)
			}
			continue
		}
		if !hasPointer(err, pointer) {
			t.Errorf("%s: %v, want a field error at %s", body, err, pointer)
		}
	}
	after, _ := s.Engine.Events.Head(context.Background())
	if after != before+1 { // the one good body
		t.Fatalf("bad bodies stored events: head %d after %d", after, before)
	}
}

func TestEnqueueNeedsTheJobTypesPermission(t *testing.T) {
	t.Parallel()
	s := scenario(t, newReports(), nil)
	_, err := s.Engine.App.Dispatch(as("jobs.enqueue"), "jobs.Enqueue", []byte(`{"type":"reports.Count","input":{"items":1}}`))
	if domain.KindOf(err) != domain.KindForbidden {
		t.Fatalf("enqueue without reports.run: %v", err)
	}
	if _, err := s.Engine.App.Dispatch(as("reports.run"), "jobs.Cancel", []byte(`{"job":"x"}`)); domain.KindOf(err) != domain.KindForbidden {
		t.Fatalf("cancel without jobs.operate: %v", err)
	}
	s.Job(nightly) // the projections catch up
	if _, err := s.Engine.App.QueryView(as("reports.run"), "jobs.list", application.Query{}); domain.KindOf(err) != domain.KindForbidden {
		t.Fatalf("jobs.list without jobs.view: %v", err)
	}
	page, err := s.Engine.App.QueryView(as("jobs.view"), "jobs.list", application.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var d jobs.ListDoc
	if len(page.Items) == 0 || json.Unmarshal(page.Items[0], &d) != nil || d.Kind != jobs.KindSchedule {
		t.Fatalf("jobs.list shows %d items", len(page.Items))
	}
}
