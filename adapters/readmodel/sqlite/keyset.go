package sqlite

import "github.com/webos-engine/webos/adapters/readmodel/query"

// after appends the condition "the row sorts after cursor c", the SQL form
// of query.CompareRows(keys, row, c) > 0 under SQLite's own ordering (NULL
// first ascending, last descending). For keys k1..kn it is
//
//	k1 beyond c1
//	OR k1 = c1 AND k2 beyond c2
//	...
//	OR k1 = c1 AND ... AND kn = cn AND id > c.id
//
// where "=" matches NULL to NULL. A row-value comparison (k1, k2) > (?, ?)
// would be shorter but cannot mix directions or handle NULLs. The
// disjunction is preceded by the bound it implies on k1, which SQLite can
// turn into an index range instead of scanning from the start.
func after(s *sqlText, keys []query.Key, c *query.Cursor) {
	if len(keys) > 0 {
		lead(s, keys[0], c.Values[0])
	}
	s.add("(")
	for i := 0; i <= len(keys); i++ {
		if i > 0 {
			s.add(" OR ")
		}
		s.add("(")
		for j := range i {
			same(s, keys[j], c.Values[j])
			s.add(" AND ")
		}
		if i == len(keys) {
			s.add("id > ?", c.ID)
		} else {
			beyond(s, keys[i], c.Values[i])
		}
		s.add(")")
	}
	s.add(")")
}

// same: the key equals v, NULL included.
func same(s *sqlText, k query.Key, v any) {
	if v == nil {
		s.add(fieldExpr(k.Field) + " IS NULL")
		return
	}
	s.add(fieldExpr(k.Field)+" = ?", toSQL(v))
}

// beyond: the key sorts strictly after v in k's direction.
func beyond(s *sqlText, k query.Key, v any) {
	e := fieldExpr(k.Field)
	switch {
	case !k.Desc && v == nil:
		s.add(e + " IS NOT NULL")
	case !k.Desc:
		s.add(e+" > ?", toSQL(v))
	case v == nil: // NULLs are last descending: nothing is beyond them
		s.add("0")
	default:
		s.add("("+e+" < ? OR "+e+" IS NULL)", toSQL(v))
	}
}

// lead appends "<bound on the first key> AND " unless there is no bound
// (ascending from NULL, where every row qualifies).
func lead(s *sqlText, k query.Key, v any) {
	e := fieldExpr(k.Field)
	switch {
	case !k.Desc && v == nil:
		return
	case !k.Desc:
		s.add(e+" >= ?", toSQL(v))
	case v == nil:
		s.add(e + " IS NULL")
	default:
		s.add("("+e+" <= ? OR "+e+" IS NULL)", toSQL(v))
	}
	s.add(" AND ")
}
