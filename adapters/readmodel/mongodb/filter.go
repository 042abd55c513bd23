package mongodb

import (
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// live matches documents that are not tombstones.
var live = bson.E{Key: "gone", Value: bson.D{{Key: "$ne", Value: true}}}

// filter renders validated conditions, the keyset condition of after and
// the exclusion of ids as one query document over live documents.
func filter(conds []query.Cond, sort []query.Key, after *query.Cursor, exclude []string) bson.D {
	and := bson.A{bson.D{live}}
	for _, c := range conds {
		and = append(and, cond(c))
	}
	if after != nil {
		and = append(and, keyset(sort, after))
	}
	if len(exclude) > 0 {
		and = append(and, bson.D{{Key: "_id", Value: bson.D{{Key: "$nin", Value: exclude}}}})
	}
	return bson.D{{Key: "$and", Value: and}}
}

// cond renders one condition. Only values of the field's type are stored
// under key, and a missing one never matches, as query.Cond.Match says.
func cond(c query.Cond) bson.D {
	path := keyPath(c.Field.Name)
	var op bson.D
	switch c.Op {
	case application.Eq:
		op = bson.D{{Key: "$eq", Value: c.Values[0]}}
	case application.In:
		op = bson.D{{Key: "$in", Value: append(bson.A{}, c.Values...)}}
	case application.Gt:
		op = bson.D{{Key: "$gt", Value: c.Values[0]}}
	case application.Gte:
		op = bson.D{{Key: "$gte", Value: c.Values[0]}}
	case application.Lt:
		op = bson.D{{Key: "$lt", Value: c.Values[0]}}
	case application.Lte:
		op = bson.D{{Key: "$lte", Value: c.Values[0]}}
	case application.Prefix:
		op = bson.D{{Key: "$regex", Value: prefixPattern(c.Values[0].(string))}}
	}
	return bson.D{{Key: path, Value: op}}
}

// prefixPattern is the regular expression matching the strings that
// start with prefix: anchored, the prefix quoted, and a NUL byte, which
// MongoDB refuses inside a pattern, written as an escape.
func prefixPattern(prefix string) string {
	return "^" + strings.ReplaceAll(regexp.QuoteMeta(prefix), "\x00", `\x00`)
}

// keyset matches the rows ordered strictly after the cursor by sort and
// then by id: for each key, the rows equal on the keys before it and
// after it on this one, and last the rows equal on every key with a later
// id. A missing value (nil) orders first ascending, last descending.
func keyset(sort []query.Key, after *query.Cursor) bson.D {
	var or bson.A
	var equal bson.A
	for i, k := range sort {
		path, v := keyPath(k.Field.Name), after.Values[i]
		if branch := beyond(path, v, k.Desc); branch != nil {
			or = append(or, bson.D{{Key: "$and", Value: append(append(bson.A{}, equal...), branch)}})
		}
		equal = append(equal, bson.D{{Key: path, Value: v}}) // nil matches missing
	}
	op := "$gt"
	if query.IDDesc(sort) {
		op = "$lt"
	}
	last := append(append(bson.A{}, equal...), bson.D{{Key: "_id", Value: bson.D{{Key: op, Value: after.ID}}}})
	or = append(or, bson.D{{Key: "$and", Value: last}})
	return bson.D{{Key: "$or", Value: or}}
}

// beyond matches the values of path strictly after v in the key's
// direction, or is nil when there are none.
func beyond(path string, v any, desc bool) bson.D {
	switch {
	case v == nil && desc:
		return nil
	case v == nil:
		return bson.D{{Key: path, Value: bson.D{{Key: "$ne", Value: nil}}}}
	case desc:
		return bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: path, Value: bson.D{{Key: "$lt", Value: v}}}},
			bson.D{{Key: path, Value: nil}},
		}}}
	}
	return bson.D{{Key: path, Value: bson.D{{Key: "$gt", Value: v}}}}
}

// order renders the total order of a query: its keys, then the id in the
// direction of the last key.
func order(sort []query.Key) bson.D {
	d := bson.D{}
	for _, k := range sort {
		d = append(d, bson.E{Key: keyPath(k.Field.Name), Value: direction(k.Desc)})
	}
	return append(d, bson.E{Key: "_id", Value: direction(query.IDDesc(sort))})
}

func direction(desc bool) int {
	if desc {
		return -1
	}
	return 1
}
