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
}

func (s *sqlText) add(text string, args ...any) {
	s.b.WriteString(text)
	s.args = append(s.args, args...)
}

// countSQL counts the rows matching conds.
func countSQL(c *collection, conds []query.Cond) (string, []any) {
	var s sqlText
	s.add("SELECT count(*) FROM " + c.table + " WHERE 1")
	where(&s, conds)
	return s.b.String(), s.args
}

// where appends " AND <cond>" per filter. NULL never satisfies a
// comparison, matching query.Cond.Match on a missing value.
func where(s *sqlText, conds []query.Cond) {
	for _, c := range conds {
		e := fieldExpr(c.Field)
		s.add(" AND ")
		switch c.Op {
		case application.In:
			if len(c.Values) == 0 {
				s.add("0")
				continue
			}
			s.add(e + " IN (?" + strings.Repeat(", ?", len(c.Values)-1) + ")")
			for _, v := range c.Values {
				s.args = append(s.args, toSQL(v))
			}
		case application.Prefix:
			// A range instead of LIKE: no wildcards to escape, always
			// case-sensitive, and it can use an index.
			lo := c.Values[0].(string)
			s.add(e+" >= ?", lo)
			if hi, ok := prefixEnd(lo); ok {
				s.add(" AND "+e+" < ?", hi)
			}
		default:
			s.add(e+" "+compareOps[c.Op]+" ?", toSQL(c.Values[0]))
		}
	}
}

var compareOps = map[application.Op]string{
	application.Eq: "=", application.Gt: ">", application.Gte: ">=",
	application.Lt: "<", application.Lte: "<=",
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
