package warehouse

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/jobs"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// stocked starts the warehouse's jobs with n items: item i has i+1 on
// hand, and every item but each tenth costs i cents in EUR (each
// seventh in USD).
func stocked(t *testing.T, n int) (*testkit.JobsScenario, map[string]int64, int) {
	t.Helper()
	s := testkit.Jobs(t, nil, Module{})
	ctx := context.Background()
	totals, unvalued := map[string]int64{}, 0
	for i := range n {
		sku := fmt.Sprintf("SKU-%04d", i)
		for _, c := range []struct {
			name string
			body any
		}{
			{"warehouse.RegisterItem", contract.RegisterItem{SKU: sku, Name: "item " + sku, Unit: "pcs"}},
			{"warehouse.ReceiveStock", contract.ReceiveStock{SKU: sku, Quantity: int64(i + 1)}},
		} {
			if _, err := s.Engine.Dispatch(ctx, c.name, c.body); err != nil {
				t.Fatal(err)
			}
		}
		if i%10 == 0 {
			unvalued++
			continue
		}
		cur := "EUR"
		if i%7 == 0 {
			cur = "USD"
		}
		if _, err := s.Engine.Dispatch(ctx, "warehouse.SetUnitCost", contract.SetUnitCost{SKU: sku, UnitCost: int64(i), Currency: cur}); err != nil {
			t.Fatal(err)
		}
		totals[cur] += int64(i+1) * int64(i)
	}
	if err := s.Engine.Projections.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	return s, totals, unvalued
}

// report reads the valuation written by the job with key.
func report(t *testing.T, s *testkit.JobsScenario, key string) ValuationDoc {
	t.Helper()
	if err := s.Engine.Projections.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	raw, err := s.Engine.ReadModels.Get(context.Background(), valuationsCollection.Name, ValuationStream(key))
	if err != nil {
		t.Fatal(err)
	}
	var d ValuationDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// checkReport fails unless d values every one of n items once, with the
// expected totals.
func checkReport(t *testing.T, d ValuationDoc, n int, totals map[string]int64, unvalued int) {
	t.Helper()
	if !d.Complete || d.Items != n || len(d.Lines) != n || d.Unvalued != unvalued {
		t.Fatalf("report: complete %v, %d items, %d lines, %d unvalued; want %d items, %d unvalued", d.Complete, d.Items, len(d.Lines), d.Unvalued, n, unvalued)
	}
	seen := map[string]bool{}
	for _, l := range d.Lines {
		if seen[l.SKU] {
			t.Fatalf("%s is counted twice", l.SKU)
		}
		seen[l.SKU] = true
	}
	got := map[string]int64{}
	for _, tot := range d.Totals {
		got[tot.Currency] = tot.Value
	}
	if fmt.Sprint(got) != fmt.Sprint(totals) {
		t.Fatalf("totals %v, want %v", got, totals)
	}
}

func TestStockValuationWalksEveryItemWithProgress(t *testing.T) {
	t.Parallel()
	const n = 250
	s, totals, unvalued := stocked(t, n)
	id := s.Enqueue(application.Job{Type: "warehouse.StockValuation", Input: ValuationInput{PageSize: 100}, Key: "r1"})
	s.Drain().ThenStatus(id, jobs.StatusSucceeded, 1)
	checkReport(t, report(t, s, "r1"), n, totals, unvalued)
	envs, err := s.Engine.Events.ReadStream(context.Background(), id, 0, application.Forward, 0)
	if err != nil {
		t.Fatal(err)
	}
	var percents []int
	for _, e := range envs {
		if e.Type == "jobs.Progressed" {
			var p jobs.Progressed
			if err := json.Unmarshal(e.Data, &p); err != nil {
				t.Fatal(err)
			}
			percents = append(percents, p.Percent)
		}
	}
	if fmt.Sprint(percents) != "[40 80 99]" {
		t.Fatalf("progress %v, want [40 80 99]", percents)
	}
	if d := s.Job(id); d.Percent != 100 || d.Message != "250 of 250 items valued" {
		t.Fatalf("jobs.list shows %d%% %q", d.Percent, d.Message)
	}
}

func TestStockValuationResumesAfterTheLastPageRecorded(t *testing.T) {
	t.Parallel()
	const n = 120
	s, totals, unvalued := stocked(t, n)
	// A first attempt recorded one page of 50, then its process died.
	ctx := context.Background()
	page, err := s.Engine.App.QueryView(ctx, "warehouse.stock", application.Query{Sort: []application.SortKey{{Field: "sku"}}, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := decodeRows(page.Items)
	if err != nil {
		t.Fatal(err)
	}
	v := newValuation("r2")
	if err := v.count(rows); err != nil {
		t.Fatal(err)
	}
	repo := application.NewRepository(s.Engine.Events, s.Engine.App.Events(), application.RepositoryOptions{NewID: func() string { return "pre-1" }})
	if _, err := repo.Save(ctx, v); err != nil {
		t.Fatal(err)
	}
	id := s.Enqueue(application.Job{Type: "warehouse.StockValuation", Input: ValuationInput{PageSize: 50}, Key: "r2"})
	s.Drain().ThenStatus(id, jobs.StatusSucceeded, 1)
	checkReport(t, report(t, s, "r2"), n, totals, unvalued)
	pages := 0
	envs, _ := s.Engine.Events.ReadStream(ctx, ValuationStream("r2"), 0, application.Forward, 0)
	for _, e := range envs {
		if e.Type == "warehouse.ValuationPageCounted" {
			pages++
		}
	}
	if pages != 3 {
		t.Fatalf("%d pages for %d items in pages of 50", pages, n)
	}
}

func TestStockValuationKilledAnywhereEndsWithEveryItemOnce(t *testing.T) {
	t.Parallel()
	const n = 300
	s, totals, unvalued := stocked(t, n)
	id := s.Enqueue(application.Job{Type: "warehouse.StockValuation", Input: ValuationInput{PageSize: 20}, Key: "r3"})
	for _, tk := range s.Queue.Take() {
		if err := s.Runtime.Handle(context.Background(), tk); err != nil {
			t.Fatal(err)
		}
	}
	s.Restart() // stops the attempt wherever it is
	s.Drain()
	if d := s.Job(id); d.Status != jobs.StatusSucceeded {
		t.Fatalf("after the restart the job is %s (%s)", d.Status, d.LastError)
	}
	checkReport(t, report(t, s, "r3"), n, totals, unvalued)
}

func TestTheNightlyValuationIsScheduled(t *testing.T) {
	t.Parallel()
	s, _, _ := stocked(t, 3)
	s.Advance(2 * 60 * 60 * 1e9) // 02:00 UTC
	id := "jobs.warehouse.StockValuation.nightly@20260101T020000Z"
	s.ThenStatus(id, jobs.StatusSucceeded, 1)
	if d := report(t, s, "nightly@20260101T020000Z"); !d.Complete || d.Items != 3 {
		t.Fatalf("the nightly report: %+v", d)
	}
}

func TestStockValuationCountsItsTenantsItemsOnly(t *testing.T) {
	t.Parallel()
	s, totals, unvalued := stocked(t, 3)
	acme := application.WithMeta(context.Background(), application.Meta{Tenant: "acme"})
	for _, sku := range []string{"ACME-1", "ACME-2"} {
		if _, err := s.Engine.Dispatch(acme, "warehouse.RegisterItem", contract.RegisterItem{SKU: sku, Name: sku, Unit: "pcs"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Engine.Projections.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	id := s.Enqueue(application.Job{Type: "warehouse.StockValuation", Key: "mine"})
	s.Drain().ThenStatus(id, jobs.StatusSucceeded, 1)
	checkReport(t, report(t, s, "mine"), 3, totals, unvalued)
	if d := s.Job(id); d.Message != "3 of 3 items valued" {
		t.Fatalf("the default tenant's valuation says %q", d.Message)
	}
}
