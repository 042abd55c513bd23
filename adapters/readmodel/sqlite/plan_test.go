package sqlite

import (
	"context"
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
		{Name: "customer.name", Type: application.String},
	},
	Indexes: [][]string{{"status", "total"}, {"customer.name"}},
}

// queryPlan returns SQLite's plan for the SQL that Find would run for q.
func queryPlan(t *testing.T, s *Store, q application.Query) string {
	t.Helper()
	c, err := s.collection(orders.Name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := query.Compile(c.spec, q)
	if err != nil {
		t.Fatal(err)
	}
	text, args := selectSQL(c, p)
	rows, err := s.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+text, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

func TestQueryPlanUsesExpressionIndexes(t *testing.T) {
	s := open(t)
	if err := s.Declare(context.Background(), orders); err != nil {
		t.Fatal(err)
	}
	byStatus := strings.Trim(indexName(orders.Name, []string{"status", "total"}), `"`)
	byCustomer := strings.Trim(indexName(orders.Name, []string{"customer.name"}), `"`)
	eq := func(field string, v any) application.Filter {
		return application.Filter{Field: field, Op: application.Eq, Value: v}
	}
	byTotal := []application.SortKey{{Field: "total"}}
	// Walk to a second page so the keyset condition is in the plan too.
	cursor := query.Plan{Sort: []query.Key{{Field: orders.Fields[1]}}}.Next([]any{10.0}, "o1")
	for _, c := range []struct {
		name   string
		q      application.Query
		index  string
		sorted bool // the index yields the order: no temporary b-tree
	}{
		{"eq", application.Query{Filters: []application.Filter{eq("status", "open")}}, byStatus, false},
		{"eq, sorted", application.Query{Filters: []application.Filter{eq("status", "open")}, Sort: byTotal}, byStatus, true},
		{"eq, sorted, page 2", application.Query{Filters: []application.Filter{eq("status", "open")}, Sort: byTotal, Cursor: cursor}, byStatus, true},
		{"nested prefix", application.Query{Filters: []application.Filter{{Field: "customer.name", Op: application.Prefix, Value: "Ann"}}}, byCustomer, false},
	} {
		plan := queryPlan(t, s, c.q)
		t.Logf("%s: %s", c.name, plan)
		if !strings.Contains(plan, "INDEX "+c.index) {
			t.Errorf("%s: plan %q does not use index %s", c.name, plan, c.index)
		}
		if c.sorted && strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s: plan %q sorts although the index is in order", c.name, plan)
		}
	}
}
