package sqlite

import (
	"bytes"
	"cmp"
	"database/sql/driver"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// maxArms bounds the values of an In filter that a page's statement
// runs once per value (see armConds): each run holds a statement and a
// read cursor, so beyond a few they cost more than the sort they save.
const maxArms = 8

// armConds returns the splits of a page's statement: noSplit alone, or,
// when an In filter on a string field names 2 to maxArms distinct values
// and an index reads each value's rows in the page's order (see
// mergeable), one per value, which makes the In an Eq on it. The
// statement then runs once per value, each run a seek of one sorted index
// range, and merged is their merge in the page's order, which stops at
// the page's LIMIT; the IN would read and sort every matching row first.
// A record-level rule ("owner in (the user and the team)") on a tenant's
// view costs a few seeks instead of a sort of every record of the team
// (docs/benchmarks.md, BenchmarkTenantRule). The values' rows are
// disjoint: distinct strings are never equal in SQL either.
//
// The merge is done here rather than by SQLite (a UNION ALL of the
// SELECTs under the page's ORDER BY, which it merges pairwise as
// ((a, b), c)): its bytecode costs about 0.1 µs per row and merge step,
// a fifth of a page more for three values, where a comparison here costs
// a few nanoseconds a row.
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

// merged yields the rows of the runs of one statement, each in the page's
// order (see armConds), in the page's order.
type merged struct {
	runs  []rowIter
	heads [][]driver.Value // each run's next row; nil once it has no more
	order func(a, b []driver.Value) bool
	cur   int // the run whose row next returned last, or -1
	// next2 is the run with the least head but cur's, or -1: while cur's
	// rows come before its head, one comparison a row finds the least.
	next2 int
}

func (m *merged) next() ([]driver.Value, error) {
	if m.cur >= 0 {
		row, err := m.runs[m.cur].next()
		if errors.Is(err, io.EOF) {
			row, err = nil, nil
		}
		if err != nil {
			return nil, err
		}
		m.heads[m.cur] = row
		if row != nil && (m.next2 < 0 || m.order(row, m.heads[m.next2])) {
			return row, nil
		}
	}
	m.cur, m.next2 = -1, -1
	for i, h := range m.heads {
		switch {
		case h == nil:
		case m.cur < 0 || m.order(h, m.heads[m.cur]):
			m.cur, m.next2 = i, m.cur
		case m.next2 < 0 || m.order(h, m.heads[m.next2]):
			m.next2 = i
		}
	}
	if m.cur < 0 {
		return nil, io.EOF
	}
	return m.heads[m.cur], nil
}

func (m *merged) close() error {
	var errs []error
	for _, r := range m.runs {
		if r != nil {
			errs = append(errs, r.close())
		}
	}
	return errors.Join(errs...)
}

// rowOrder reports whether row a comes before row b in the order of a page
// sorted by keys, then id in the last key's direction, as the statement's
// ORDER BY sorts them (rows are id, document, then the keys' values).
func rowOrder(keys []query.Key) func(a, b []driver.Value) bool {
	idDesc := query.IDDesc(keys)
	if len(keys) == 0 {
		return func(a, b []driver.Value) bool { return (text(a[0]) < text(b[0])) != idDesc }
	}
	return func(a, b []driver.Value) bool {
		for i, k := range keys {
			if c := compareSQL(a[2+i], b[2+i]); c != 0 {
				return (c < 0) != k.Desc
			}
		}
		return (text(a[0]) < text(b[0])) != idDesc
	}
}

// compareSQL compares two values as SQLite's ORDER BY does with the
// BINARY collation: NULL first, then numbers by value, then text and blobs
// bytewise.
func compareSQL(x, y driver.Value) int {
	if c := cmp.Compare(sqlClass(x), sqlClass(y)); c != 0 {
		return c
	}
	switch a := x.(type) {
	case nil:
		return 0
	case string:
		return strings.Compare(a, y.(string))
	case []byte:
		return bytes.Compare(a, y.([]byte))
	case int64:
		if b, ok := y.(int64); ok {
			return cmp.Compare(a, b)
		}
		return intFloat(a, y.(float64))
	}
	a := x.(float64)
	if b, ok := y.(int64); ok {
		return -intFloat(b, a)
	}
	return cmp.Compare(a, y.(float64))
}

// sqlClass ranks a value's storage class in SQLite's order.
func sqlClass(v driver.Value) int {
	switch v.(type) {
	case nil:
		return 0
	case int64, float64:
		return 1
	case string:
		return 2
	}
	return 3
}

// intFloat compares an integer with a float exactly, as SQLite does.
func intFloat(i int64, r float64) int {
	switch {
	case r < -9223372036854775808.0:
		return 1
	case r >= 9223372036854775808.0:
		return -1
	}
	if c := cmp.Compare(i, int64(r)); c != 0 {
		return c
	}
	return cmp.Compare(float64(i), r)
}
