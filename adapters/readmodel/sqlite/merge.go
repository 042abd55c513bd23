package sqlite

import (
	"slices"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// maxArms bounds the values of an In filter that a page's statement
// splits into one SELECT each (see armConds): every arm is planned when
// the statement is prepared, so beyond a few the planning costs more
// than the sort it saves.
const maxArms = 8

// armConds returns the splits of the SELECTs of a page's statement:
// noSplit alone, or, when an In filter on a string field names 2 to
// maxArms distinct values and an index reads each value's rows in the
// page's order (see mergeable), one per value, which makes the In an Eq
// on it. Their UNION ALL under the page's ORDER BY is a merge of sorted
// index ranges that stops at the page's LIMIT, where the IN would read
// and sort every matching row first: a record-level rule ("owner in (the
// user and the team)") on a tenant's view costs a few seeks instead of
// a sort of every record of the team (docs/benchmarks.md,
// BenchmarkTenantRule). The values' rows are disjoint: distinct strings
// are never equal in SQL either.
func armConds(spec application.CollectionSpec, conds []query.Cond, sort []query.Key) []split {
	for i, c := range conds {
		if c.Op != application.In || c.Field.Type != application.String || len(c.Values) < 2 {
			continue
		}
		arms := make([]split, 0, len(c.Values))
		for _, v := range c.Values {
			if !slices.ContainsFunc(arms, func(a split) bool { return a.value == v }) {
				arms = append(arms, split{cond: i, value: v})
			}
		}
		if len(arms) >= 2 && len(arms) <= maxArms && mergeable(spec, conds, sort, c.Field.Name) {
			return arms
		}
	}
	return []split{noSplit}
}

// mergeable reports whether an index of spec gives the rows of one value
// of field in the page's order: it starts with field and fields pinned by
// an Eq filter, in any order, and goes on with exactly the sort keys not
// pinned (then id, as every index does), each in its direction or each
// reversed. A sort on field itself is left to the IN: within an arm the
// key is constant, but SQLite would sort on it all the same.
func mergeable(spec application.CollectionSpec, conds []query.Cond, sort []query.Key, field string) bool {
	var keys []query.Key
	for _, k := range sort {
		if k.Field.Name == field {
			return false
		}
		if !pinned(conds, k.Field) {
			keys = append(keys, k)
		}
	}
	for _, ix := range spec.Indexes {
		n, seeks := 0, false
		for ; n < len(ix); n++ {
			name, _ := query.IndexField(ix[n])
			if name == field {
				seeks = true
			} else if !pinned(conds, application.FieldSpec{Name: name}) {
				break
			}
		}
		if seeks && orderedAs(ix[n:], keys) {
			return true
		}
	}
	return false
}

// orderedAs reports whether the index entries rest are the keys, each in
// its direction or each reversed.
func orderedAs(rest []string, keys []query.Key) bool {
	if len(rest) != len(keys) {
		return false
	}
	for i, entry := range rest {
		name, desc := query.IndexField(entry)
		_, first := query.IndexField(rest[0])
		if name != keys[i].Field.Name || (desc != keys[i].Desc) != (first != keys[0].Desc) {
			return false
		}
	}
	return true
}
