package sqlite

import (
	"math"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// pageSQL renders a Plan as the statements that produce its page, each
// without its LIMIT: run in order, each for the rows still missing, their
// results concatenated are the page. The first page is one statement.
// After a cursor c, the rows that sort after it under keys k1..kn are, in
// order,
//
//	k1 = c1 AND ... AND kn = cn AND id beyond c.id
//	k1 = c1 AND ... AND kn beyond cn
//	...
//	k1 beyond c1
//
// where "=" matches NULL to NULL and "beyond" a descending key is split
// in two, "kn < cn" and then "kn IS NULL", since NULLs come last
// descending. Each statement is equalities on leading index columns and
// one range on the next, which SQLite answers with an index seek, and its
// ORDER BY is the index order from that column on, so no statement sorts
// or scans rows before the cursor: every page costs the same at any
// depth. One statement with the disjunction instead lets SQLite use the
// index only for the first key, or not at all (MULTI-INDEX OR and a sort
// of everything after the cursor, which is what newest-first paging did).
func pageSQL(c *collection, p query.Plan) []*sqlText {
	if p.After == nil {
		return []*sqlText{branchSQL(c, p, 0, 0, nil)}
	}
	var out []*sqlText
	n := len(p.Sort)
	out = append(out, branchSQL(c, p, n, n, func(s *sqlText) {
		if query.IDDesc(p.Sort) {
			s.add(" AND id < ?", p.After.ID)
		} else {
			s.add(" AND id > ?", p.After.ID)
		}
	}))
	for i := n - 1; i >= 0; i-- {
		k, v := p.Sort[i], toSQL(p.After.Values[i])
		e := fieldExpr(k.Field)
		switch {
		case !k.Desc && v == nil: // every value is beyond NULL: a range from the least
			out = append(out, branchSQL(c, p, i, i, func(s *sqlText) { s.add(" AND "+e+" >= ?", lowest(k.Field.Type)) }))
		case !k.Desc:
			out = append(out, branchSQL(c, p, i, i, func(s *sqlText) { s.add(" AND "+e+" > ?", v) }))
		case v != nil: // descending from NULL nothing is beyond
			out = append(out, branchSQL(c, p, i, i, func(s *sqlText) { s.add(" AND "+e+" < ?", v) }),
				branchSQL(c, p, i, i+1, func(s *sqlText) { s.add(" AND " + e + " IS NULL") }))
		}
	}
	return out
}

// branchSQL renders one statement: the filters, the first eq sort keys
// equal to the cursor's values, the condition seek adds, and the order of
// the keys from the one numbered from on (those before are constant in
// the statement), then id. Keys pinned by an eq filter are left out
// of the ORDER BY: they are constant, and SQLite does not notice that an
// expression compared by equality is, so naming it costs a sort. An In
// filter that armConds splits is rendered as an Eq on its first value, and
// the statement carries the values it runs for (sqlText.arms).
func branchSQL(c *collection, p query.Plan, eq, from int, seek func(*sqlText)) *sqlText {
	arms := armConds(c.spec, p.Conds, p.Sort)
	s := &sqlText{args: make([]any, 0, 4)}
	s.b.Grow(512) // about a SELECT with two filters, in one allocation
	s.add("SELECT id, json(doc)")
	for _, k := range p.Sort {
		s.add(", ")
		s.add(fieldExpr(k.Field))
	}
	s.add(" FROM ")
	s.add(c.table)
	s.add(" WHERE 1")
	where(s, p.Conds, arms[0])
	for i := range eq {
		same(s, p.Sort[i], p.After.Values[i])
	}
	if seek != nil {
		seek(s)
	}
	if len(arms) > 1 {
		s.arms = make([]any, len(arms))
		for i, a := range arms {
			s.arms[i] = a.value
		}
	}
	s.add(" ORDER BY ")
	for _, k := range p.Sort[from:] {
		if !pinned(p.Conds, k.Field) {
			s.add(fieldExpr(k.Field) + direction(k.Desc) + ", ")
		}
	}
	s.add("id" + direction(query.IDDesc(p.Sort)))
	return s
}

// same appends "AND the key equals v", NULL included.
func same(s *sqlText, k query.Key, v any) {
	if v == nil {
		s.add(" AND " + fieldExpr(k.Field) + " IS NULL")
		return
	}
	s.add(" AND "+fieldExpr(k.Field)+" = ?", toSQL(v))
}

// pinned reports whether an eq filter fixes field f.
func pinned(conds []query.Cond, f application.FieldSpec) bool {
	for _, c := range conds {
		if c.Op == application.Eq && c.Field.Name == f.Name {
			return true
		}
	}
	return false
}

// lowest is a bound at or below every non-NULL value fieldExpr yields for
// a field of type t. "IS NOT NULL" would say the same, but SQLite scans
// the index's NULLs to find its start instead of seeking past them.
func lowest(t application.FieldType) any {
	switch t {
	case application.String:
		return ""
	case application.Number:
		return math.Inf(-1)
	}
	return 0 // bools are 0 and 1
}
