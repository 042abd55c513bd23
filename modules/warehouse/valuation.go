package warehouse

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/jobs"
)

// ValuationInput is the input of the job warehouse.StockValuation.
type ValuationInput struct {
	// PageSize is how many items one step counts and records (default
	// 200).
	PageSize int `json:"pageSize,omitempty" jsonschema:"minimum=1,maximum=1000"`
}

// ValuationLine is one item of a stock valuation: on hand times unit
// cost, in minor units of Currency (empty, and Value 0, for an item
// without a unit cost).
type ValuationLine struct {
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Unit     string `json:"unit"`
	OnHand   int64  `json:"onHand"`
	UnitCost int64  `json:"unitCost"`
	Currency string `json:"currency,omitempty"`
	Value    int64  `json:"value"`
}

// ValuationTotal is the value of the stock in one currency.
type ValuationTotal struct {
	Currency string `json:"currency"`
	Value    int64  `json:"value"`
}

// ValuationPageCounted records one page of items a stock valuation
// counted, in SKU order; After is the page's last SKU, where the next
// page (and an attempt resuming after a crash) starts.
type ValuationPageCounted struct {
	Report string          `json:"report"`
	Page   int             `json:"page"`
	After  string          `json:"after"`
	Lines  []ValuationLine `json:"lines"`
}

// ValuationCompleted records that a stock valuation counted every item:
// the totals per currency and the items without a unit cost.
type ValuationCompleted struct {
	Report   string           `json:"report"`
	Items    int              `json:"items"`
	Unvalued int              `json:"unvalued"`
	Totals   []ValuationTotal `json:"totals"`
}

// EventType names ValuationPageCounted.
func (ValuationPageCounted) EventType() string { return "warehouse.ValuationPageCounted" }

// EventType names ValuationCompleted.
func (ValuationCompleted) EventType() string { return "warehouse.ValuationCompleted" }

// valuation is one stock valuation report, rebuilt from its stream.
type valuation struct {
	domain.Base
	report    string
	pages     int
	after     string
	items     int
	unvalued  int
	totals    map[string]int64
	completed bool
}

// ValuationStream is the stream of the report written by the valuation
// job with key.
func ValuationStream(key string) string { return "warehouse.valuation-" + key }

func newValuation(key string) *valuation {
	return &valuation{Base: domain.NewBase(ValuationStream(key)), report: key, totals: map[string]int64{}}
}

// Apply changes the report's state for one of its events.
func (v *valuation) Apply(e domain.Event) {
	switch e := e.(type) {
	case ValuationPageCounted:
		v.pages, v.after = e.Page, e.After
		for _, l := range e.Lines {
			v.items++
			if l.Currency == "" {
				v.unvalued++
				continue
			}
			v.totals[l.Currency] += l.Value
		}
	case ValuationCompleted:
		v.completed = true
	}
}

// count adds a page of stock rows, or fails when a value would overflow.
func (v *valuation) count(rows []StockRow) error {
	lines := make([]ValuationLine, len(rows))
	for i, r := range rows {
		l := ValuationLine{SKU: r.SKU, Name: r.Name, Unit: r.Unit, OnHand: r.OnHand, UnitCost: r.UnitCost, Currency: r.Currency}
		if r.Currency != "" {
			if r.OnHand != 0 && r.UnitCost > math.MaxInt64/max(r.OnHand, 1) || v.totals[r.Currency] > math.MaxInt64-r.OnHand*r.UnitCost {
				return jobs.Permanent(domain.Errorf(domain.KindRejected, "value_too_large",
					"the stock of %s is worth more than a report can hold", r.SKU))
			}
			l.Value = r.OnHand * r.UnitCost
		}
		lines[i] = l
	}
	domain.Raise(v, ValuationPageCounted{Report: v.report, Page: v.pages + 1, After: rows[len(rows)-1].SKU, Lines: lines})
	return nil
}

// complete records the totals.
func (v *valuation) complete() {
	totals := make([]ValuationTotal, 0, len(v.totals))
	for c, val := range v.totals {
		totals = append(totals, ValuationTotal{Currency: c, Value: val})
	}
	sort.Slice(totals, func(i, j int) bool { return totals[i].Currency < totals[j].Currency })
	domain.Raise(v, ValuationCompleted{Report: v.report, Items: v.items, Unvalued: v.unvalued, Totals: totals})
}

// valuationJob runs warehouse.StockValuation: it walks every item of the
// view warehouse.stock in SKU order, a page at a time, and records each
// page in the report's stream before it reports progress. An attempt
// after a crash resumes after the last page recorded; a report completed
// already is left as it is.
type valuationJob struct{ repo *application.Repository }

// defaultPageSize is the page of ValuationInput without one.
const defaultPageSize = 200

func (j valuationJob) run(ctx context.Context, run *jobs.Run, in ValuationInput) error {
	size := in.PageSize
	if size == 0 {
		size = defaultPageSize
	}
	v := newValuation(run.Key())
	if err := j.repo.Load(ctx, v); err != nil || v.completed {
		return err
	}
	total, err := run.CountView(ctx, "warehouse.stock", nil)
	if err != nil {
		return err
	}
	for {
		q := application.Query{Sort: []application.SortKey{{Field: "sku"}}, Limit: size}
		if v.after != "" {
			q.Filters = []application.Filter{{Field: "sku", Op: application.Gt, Value: v.after}}
		}
		page, err := run.QueryView(ctx, "warehouse.stock", q)
		if err != nil {
			return err
		}
		rows, err := decodeRows(page.Items)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		if err := v.count(rows); err != nil {
			return err
		}
		if _, err := j.repo.Save(ctx, v); err != nil {
			return err
		}
		pct := 99
		if total > 0 {
			pct = min(99, v.items*100/int(total))
		}
		if err := run.Progress(ctx, pct, fmt.Sprintf("%d of %d items valued", v.items, total)); err != nil {
			return err
		}
		if len(rows) < size {
			break
		}
	}
	v.complete()
	_, err = j.repo.Save(ctx, v)
	return err
}

func decodeRows(items []json.RawMessage) ([]StockRow, error) {
	rows := make([]StockRow, len(items))
	for i, raw := range items {
		if err := json.Unmarshal(raw, &rows[i]); err != nil {
			return nil, err
		}
	}
	return rows, nil
}
