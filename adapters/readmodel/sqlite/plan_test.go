package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

var orders = application.CollectionSpec{
	Name: "shop.Orders",
	Fields: []application.FieldSpec{
		{Name: "status", Type: application.String},
		{Name: "total", Type: application.Number},
		{Name: "updated", Type: application.String},
		{Name: "customer.name", Type: application.String},
	},
	Indexes: [][]string{{"total"}, {"status", "total"}, {"status", "-updated"}, {"customer.name"}},
}

// queryPlans returns SQLite's plan for each statement Find would run for
// q, one string per statement.
func queryPlans(t *testing.T, s *Store, q application.Query) []string {
	t.Helper()
	c, err := s.collection(orders.Name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := query.Compile(c.spec, q)
	if err != nil {
		t.Fatal(err)
	}
	var plans []string
	for _, st := range pageSQL(c, p) {
		rows, err := s.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+st.b.String()+" LIMIT "+strconv.Itoa(p.Limit+1), st.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		plans = append(plans, strings.Join(plan, "; "))
	}
	return plans
}

// cursorAt is the cursor after a row with the given sort values.
func cursorAt(t *testing.T, sort []application.SortKey, values ...any) string {
	t.Helper()
	p, err := query.Compile(orders, application.Query{Sort: sort})
	if err != nil {
		t.Fatal(err)
	}
	return p.Next(values, "o1")
}

// TestQueryPlansServePagesFromIndexes checks every statement of first and
// later pages, ascending, descending and mixed, with and without filters:
// each reads the expected index in order (no temporary b-tree, no
// MULTI-INDEX OR), and after a cursor each seeks (SEARCH), so no page
// reads the rows before it.
func TestQueryPlansServePagesFromIndexes(t *testing.T) {
	s := open(t)
	if err := s.Declare(context.Background(), orders); err != nil {
		t.Fatal(err)
	}
	ix := func(fields ...string) string { return strings.Trim(indexName(orders.Name, fields), `"`) }
	eq := func(field string, v any) []application.Filter {
		return []application.Filter{{Field: field, Op: application.Eq, Value: v}}
	}
	sort := func(keys ...string) []application.SortKey {
		out := make([]application.SortKey, len(keys))
		for i, k := range keys {
			name, desc := strings.CutPrefix(k, "-")
			out[i] = application.SortKey{Field: name, Desc: desc}
		}
		return out
	}
	for _, c := range []struct {
		name    string
		filters []application.Filter
		sort    []application.SortKey
		after   [][]any // cursor values of the later pages to check
		index   string
	}{
		{"total", nil, sort("total"), [][]any{{int64(10)}, {nil}}, ix("total")},
		{"-total", nil, sort("-total"), [][]any{{10.5}, {nil}}, ix("total")},
		{"status=open, total", eq("status", "open"), sort("total"), [][]any{{int64(10)}, {nil}}, ix("status", "total")},
		{"status=open, -total", eq("status", "open"), sort("-total"), [][]any{{int64(10)}, {nil}}, ix("status", "total")},
		{"status, total", nil, sort("status", "total"), [][]any{{"open", int64(3)}, {nil, nil}, {"open", nil}}, ix("status", "total")},
		{"-status, -total", nil, sort("-status", "-total"), [][]any{{"open", int64(3)}, {nil, nil}, {"open", nil}}, ix("status", "total")},
		{"status, -updated (mixed)", nil, sort("status", "-updated"), [][]any{{"open", "2026-01-02"}, {nil, nil}, {"open", nil}}, ix("status", "-updated")},
		{"-status, updated (mixed, reversed)", nil, sort("-status", "updated"), [][]any{{"open", "2026-01-02"}, {nil, "x"}}, ix("status", "-updated")},
		{"status=open, -updated", eq("status", "open"), sort("-updated"), [][]any{{"2026-01-02"}, {nil}}, ix("status", "-updated")},
		{"status=open, status, -updated", eq("status", "open"), sort("status", "-updated"), [][]any{{"open", "2026-01-02"}}, ix("status", "-updated")},
	} {
		pages := []string{""}
		for _, v := range c.after {
			pages = append(pages, cursorAt(t, c.sort, v...))
		}
		for i, cursor := range pages {
			plans := queryPlans(t, s, application.Query{Filters: c.filters, Sort: c.sort, Cursor: cursor})
			what := fmt.Sprintf("%s, page %d", c.name, i+1)
			if i > 0 {
				what += fmt.Sprint(" after ", c.after[i-1])
			}
			for j, plan := range plans {
				t.Logf("%s, statement %d: %s", what, j+1, plan)
				switch {
				case !strings.Contains(plan+" ", "INDEX "+c.index+" "), strings.Contains(plan, "MULTI-INDEX"):
					t.Errorf("%s, statement %d: plan %q does not read index %s alone", what, j+1, plan, c.index)
				case strings.Contains(plan, "TEMP B-TREE"):
					t.Errorf("%s, statement %d: plan %q sorts although the index is in order", what, j+1, plan)
				case (i > 0 || c.filters != nil) && !strings.HasPrefix(plan, "SEARCH"):
					t.Errorf("%s, statement %d: plan %q scans instead of seeking", what, j+1, plan)
				}
			}
		}
	}
}

func TestQueryPlanUsesExpressionIndexes(t *testing.T) {
	s := open(t)
	if err := s.Declare(context.Background(), orders); err != nil {
		t.Fatal(err)
	}
	byCustomer := strings.Trim(indexName(orders.Name, []string{"customer.name"}), `"`)
	plans := queryPlans(t, s, application.Query{Filters: []application.Filter{{Field: "customer.name", Op: application.Prefix, Value: "Ann"}}})
	if len(plans) != 1 || !strings.Contains(plans[0], "INDEX "+byCustomer) {
		t.Errorf("nested prefix: plans %q do not use index %s", plans, byCustomer)
	}
}

// TestPageSQLIsBounded: a cursor, forged or not, over the most sort keys
// a query may have yields a few short statements. (With no cap, 500 keys
// in a 6 KB URL once gave 10.7 MB of SQL.)
func TestPageSQLIsBounded(t *testing.T) {
	s := open(t)
	if err := s.Declare(context.Background(), orders); err != nil {
		t.Fatal(err)
	}
	c, err := s.collection(orders.Name)
	if err != nil {
		t.Fatal(err)
	}
	sort := []application.SortKey{{Field: "status", Desc: true}, {Field: "total", Desc: true}, {Field: "updated", Desc: true}, {Field: "customer.name", Desc: true}}
	if len(sort) != query.MaxSortKeys {
		t.Fatalf("the test covers %d keys, the cap is %d", len(sort), query.MaxSortKeys)
	}
	p, err := query.Compile(c.spec, application.Query{Sort: sort, Cursor: cursorAt(t, sort, "a", 1.5, "b", "c")})
	if err != nil {
		t.Fatal(err)
	}
	stmts := pageSQL(c, p)
	total := 0
	for _, st := range stmts {
		total += st.b.Len()
	}
	t.Logf("%d statements, %d bytes", len(stmts), total)
	if len(stmts) != 2*query.MaxSortKeys+1 || total > 16<<10 {
		t.Errorf("%d statements, %d bytes of SQL; want %d statements within 16 KiB", len(stmts), total, 2*query.MaxSortKeys+1)
	}
}

// TestQueryPlanMergesAnInFilter: an In filter whose values' rows an index
// reads in the page's order makes each statement run once per distinct
// value, on the first page and after a cursor, each run a seek of the
// index with no sort; one no index serves that way stays an IN.
func TestQueryPlanMergesAnInFilter(t *testing.T) {
	s := open(t)
	if err := s.Declare(context.Background(), orders); err != nil {
		t.Fatal(err)
	}
	c, err := s.collection(orders.Name)
	if err != nil {
		t.Fatal(err)
	}
	arms := func(q application.Query) [][]any {
		p, err := query.Compile(c.spec, q)
		if err != nil {
			t.Fatal(err)
		}
		var out [][]any
		for _, st := range pageSQL(c, p) {
			out = append(out, st.arms)
		}
		return out
	}
	byStatus := strings.Trim(indexName(orders.Name, []string{"status", "total"}), `"`)
	in := func(field string, vs ...any) []application.Filter {
		return []application.Filter{{Field: field, Op: application.In, Values: vs}}
	}
	sort := []application.SortKey{{Field: "total", Desc: true}}
	for _, cursor := range []string{"", cursorAt(t, sort, int64(10)), cursorAt(t, sort, nil)} {
		q := application.Query{Filters: in("status", "open", "paid", "open"), Sort: sort, Cursor: cursor}
		for i, a := range arms(q) {
			if !slices.Equal(a, []any{"open", "paid"}) {
				t.Errorf("cursor %q, statement %d runs for %v; want open, then paid", cursor, i+1, a)
			}
		}
		for i, plan := range queryPlans(t, s, q) {
			t.Logf("statement %d: %s", i+1, plan)
			if !strings.HasPrefix(plan, "SEARCH ") || !strings.Contains(plan+" ", "INDEX "+byStatus+" ") || strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "IN (") {
				t.Errorf("cursor %q, statement %d: plan %q is not one seek of %s", cursor, i+1, plan, byStatus)
			}
		}
	}
	for name, q := range map[string]application.Query{
		"no index in the order": {Filters: in("customer.name", "a", "b"), Sort: sort},
		"sorted on the field":   {Filters: in("status", "open", "paid"), Sort: []application.SortKey{{Field: "status"}}},
		"one value":             {Filters: in("status", "open", "open")},
		"numbers":               {Filters: in("total", 1, 2)},
	} {
		if a := arms(q); len(a) != 1 || a[0] != nil {
			t.Errorf("%s: statements run for %v", name, a)
		}
	}
}
