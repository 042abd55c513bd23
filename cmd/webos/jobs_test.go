package main_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// jobDoc reads one document of jobs.list.
func (p *proc) jobDoc(id string) map[string]any {
	p.t.Helper()
	for _, d := range p.items("jobs.list", "") {
		if d["id"] == id {
			return d
		}
	}
	return nil
}

// waitJob polls jobs.list until the job's document satisfies ok.
func (p *proc) waitJob(id string, within time.Duration, ok func(map[string]any) bool) map[string]any {
	p.t.Helper()
	deadline := time.Now().Add(within)
	for {
		d := p.jobDoc(id)
		if d != nil && ok(d) {
			return d
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("job %s did not get there within %s: %v\n%s", id, within, d, p.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAJobKilledMidRunResumesAndIsDoneOnce runs the stock valuation, one
// item a step, kills the binary with SIGKILL while it runs, and starts it
// again: the job takes up where its report stopped, ends succeeded, its
// stream holds one Succeeded, and the report counts every item once.
func TestAJobKilledMidRunResumesAndIsDoneOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := serve(t, dir)
	const items = 250
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < items; i += 8 {
				p.command("warehouse.RegisterItem", fmt.Sprintf(`{"sku":"JOB-%04d","name":"Item %d","unit":"pcs","lowStockThreshold":1}`, i, i))
			}
		})
	}
	wg.Wait()
	p.caughtUp()
	out := p.command("jobs.Enqueue", `{"type":"warehouse.StockValuation","key":"crash-1","input":{"pageSize":1}}`)
	id := out["stream"].(string)
	p.waitJob(id, time.Minute, func(d map[string]any) bool {
		pct := d["percent"].(float64)
		if d["status"] == "succeeded" {
			t.Fatalf("the job finished before it could be killed: make it longer")
		}
		return d["status"] == "running" && pct >= 5
	})
	p.kill()

	p = serve(t, dir)
	d := p.waitJob(id, 2*time.Minute, func(d map[string]any) bool { return d["status"] == "succeeded" || d["status"] == "failed" })
	if d["status"] != "succeeded" || d["attempts"].(float64) != 2 {
		t.Fatalf("after the restart the job is %v after %v attempts (%v)", d["status"], d["attempts"], d["lastError"])
	}
	status, stream, _ := p.do("GET", "/api/streams/"+id+"?limit=1000", "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET the job's stream: %d %v", status, stream)
	}
	counts := map[string]int{}
	for _, e := range stream["events"].([]any) {
		counts[e.(map[string]any)["type"].(string)]++
	}
	if counts["jobs.Succeeded"] != 1 || counts["jobs.AttemptStarted"] != 2 || counts["jobs.AttemptFailed"] != 1 {
		t.Fatalf("the job's stream holds %v", counts)
	}
	p.caughtUp()
	var report map[string]any
	for _, r := range p.items("warehouse.valuations", "") {
		if r["report"] == "crash-1" {
			report = r
		}
	}
	if report == nil || report["complete"] != true || report["items"].(float64) != items {
		t.Fatalf("the report after the crash: %v", report)
	}
	seen := map[string]bool{}
	for _, l := range report["lines"].([]any) {
		sku := l.(map[string]any)["sku"].(string)
		if seen[sku] {
			t.Fatalf("%s is in the report twice", sku)
		}
		seen[sku] = true
	}
	if len(seen) != items {
		t.Fatalf("the report holds %d of %d items", len(seen), items)
	}
	p.stop()
}

// TestTheNightlyScheduleSurvivesRestarts checks that the warehouse's
// nightly valuation is armed once, shown in jobs.list with its next run,
// and still armed (not armed again) after a restart.
func TestTheNightlyScheduleSurvivesRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := serve(t, dir)
	const schedule = "jobs.schedule.warehouse.StockValuation.nightly"
	first := p.waitJob(schedule, 20*time.Second, func(map[string]any) bool { return true })
	if first["cron"] != "0 2 * * *" || first["nextRun"] == "" || first["kind"] != "schedule" {
		t.Fatalf("the nightly schedule shows %v", first)
	}
	p.stop()
	p = serve(t, dir)
	p.caughtUp()
	status, stream, _ := p.do("GET", "/api/streams/"+schedule, "", nil)
	if status != http.StatusOK || len(stream["events"].([]any)) != 1 {
		t.Fatalf("the schedule's stream after a restart: %d %v", status, stream)
	}
	if again := p.jobDoc(schedule); again["nextRun"] != first["nextRun"] {
		t.Fatalf("the next run moved from %v to %v across a restart", first["nextRun"], again["nextRun"])
	}
	p.stop()
}
