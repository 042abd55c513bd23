package sqlite

import (
	"strings"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// sqlText accumulates a statement and its arguments. Only fieldExpr, table
// names and fixed keywords are spliced into the text; every value is bound.
type sqlText struct {
	b    strings.Builder
	args []any
	// arms are the values of an In filter the statement stands for one
	// at a time (see armConds): it runs once per value, with the value
	// bound as args[armArg], and the runs are merged. Nil when it runs once.
	arms   []any
	armArg int
}

// add appends text and its arguments. Text that comes with arguments ends
// with the parameter of each, "?".
func (s *sqlText) add(text string, args ...any) {
	s.b.WriteString(text)
	s.args = append(s.args, args...)
}

// countSQL counts the rows matching conds.
func countSQL(c *collection, conds []query.Cond) (string, []any) {
	var s sqlText
	s.add("SELECT count(*) FROM " + c.table + " WHERE 1")
	where(&s, conds, noSplit)
	return s.b.String(), s.args
}

// split is the In filter of a statement's SELECT that is an Eq on one of
// its values instead (see armConds): the filter numbered cond, or none.
type split struct {
	cond  int
	value any
}

// noSplit leaves every filter as it is.
var noSplit = split{cond: -1}

// where appends " AND <cond>" per filter. NULL never satisfies a
// comparison, matching query.Cond.Match on a missing value.
func where(s *sqlText, conds []query.Cond, sp split) {
	for i, c := range conds {
		if c.Op == application.In && len(c.Values) == 0 {
			s.add(" AND 0") // no value: nothing matches
			continue
		}
		e := fieldExpr(c.Field)
		s.add(" AND ")
		s.add(e)
		switch {
		case i == sp.cond:
			s.armArg = len(s.args)
			s.add(" = ?", sp.value)
		case c.Op == application.In:
			s.add(" IN (?", toSQL(c.Values[0]))
			for _, v := range c.Values[1:] {
				s.add(", ?", toSQL(v))
			}
			s.add(")")
		case c.Op == application.Prefix:
			// A range instead of LIKE: no wildcards to escape, always
			// case-sensitive, and it can use an index.
			lo := c.Values[0].(string)
			s.add(" >= ?", lo)
			if hi, ok := prefixEnd(lo); ok {
				s.add(" AND ")
				s.add(e)
				s.add(" < ?", hi)
			}
		default:
			s.add(compareOps[c.Op])
			s.add(" ?", toSQL(c.Values[0]))
		}
	}
}

var compareOps = map[application.Op]string{
	application.Eq: " =", application.Gt: " >", application.Gte: " >=",
	application.Lt: " <", application.Lte: " <=",
}

// prefixEnd returns the least string greater than every string starting
// with p, comparing bytewise as SQLite's BINARY collation does: p with
// trailing 0xff bytes dropped and its last byte incremented. If p is all
// 0xff (or empty) no such bound exists.
func prefixEnd(p string) (string, bool) {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// toSQL binds a normalised value: bools as the 0 and 1 fieldExpr yields.
func toSQL(v any) any {
	if b, ok := v.(bool); ok {
		if b {
			return 1
		}
		return 0
	}
	return v
}
