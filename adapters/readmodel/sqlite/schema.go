package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"sync"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// baseSchema holds what is not per collection: checkpoints, and the merged
// spec of every declared collection, so a reopened store knows its
// collections before anyone declares them again.
const baseSchema = `
CREATE TABLE IF NOT EXISTS checkpoints (
	projection TEXT PRIMARY KEY,
	position   INTEGER NOT NULL,
	store_id   TEXT NOT NULL DEFAULT '', -- the event store's id
	hash       TEXT NOT NULL DEFAULT ''  -- the hash of the event at position
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS collections (
	name TEXT PRIMARY KEY,
	spec TEXT NOT NULL
) WITHOUT ROWID;`

// ident turns a name valid under query.ValidName into part of a quoted SQL
// identifier. The characters are all safe inside double quotes, but SQLite
// compares identifiers case-insensitively while names are case-sensitive,
// so each upper-case letter becomes '^' and its lower case ('^' never
// occurs in a valid name): "Orders" and "orders" get different tables.
func ident(name string) string {
	var b strings.Builder
	for _, r := range name {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('^')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tableName is the quoted table of a collection.
func tableName(collection string) string { return `"rm_` + ident(collection) + `"` }

// indexName is the quoted name of an index over fields of collection; ':'
// and ',' cannot occur in names, so distinct indexes get distinct names.
func indexName(collection string, fields []string) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = ident(f)
	}
	return `"ix_` + ident(collection) + ":" + strings.Join(parts, ",") + `"`
}

// fieldExpr is the SQL value of a declared field, mirroring query.Extract:
// the JSON value if it has the declared type, else NULL, so a mistyped
// value behaves like a missing one and never meets SQLite's cross-type
// ordering. Bools become 0 and 1, which order like false and true. Index
// and query use this same text, which is how SQLite matches an expression
// index to a query. The name is safe to splice: query.ValidName admits no
// quote.
// Each field's text is built once (fieldExprs): every page's statement
// names its fields several times.
func fieldExpr(f application.FieldSpec) string {
	if e, ok := fieldExprs.Load(f); ok {
		return e.(string)
	}
	path := "'$." + f.Name + "'"
	var e string
	switch f.Type {
	case application.String:
		e = "(CASE json_type(doc," + path + ") WHEN 'text' THEN json_extract(doc," + path + ") END)"
	case application.Number:
		e = "(CASE WHEN json_type(doc," + path + ") IN ('integer','real') THEN json_extract(doc," + path + ") END)"
	default: // application.Bool; query.Merge admits no other type
		e = "(CASE json_type(doc," + path + ") WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
	}
	fieldExprs.Store(f, e)
	return e
}

// fieldExprs holds fieldExpr's text by application.FieldSpec: a few per
// declared field.
var fieldExprs sync.Map

// collectionDDL creates a collection's table and indexes if missing. Each
// index ends with id, the tie-breaker of every sort, in the direction of
// its last column as the tie-breaker runs in the last key's, so an
// indexed ORDER BY needs no extra sort step in either direction.
//
// The table is clustered on id (WITHOUT ROWID): a rowid table would keep a
// second b-tree from id to rowid and pay one more b-tree insert per write.
// The document is JSONB, which the JSON functions read without parsing:
// every write evaluates the index expressions on it. (Files written before
// either change still work: json functions take text as well.)
func collectionDDL(spec application.CollectionSpec) []string {
	table := tableName(spec.Name)
	ddl := []string{"CREATE TABLE IF NOT EXISTS " + table + " (id TEXT PRIMARY KEY, doc BLOB NOT NULL) WITHOUT ROWID"}
	for _, ix := range spec.Indexes {
		cols := make([]string, 0, len(ix)+1)
		desc := false
		for _, entry := range ix {
			var name string
			name, desc = query.IndexField(entry)
			f, _ := spec.Field(name)
			cols = append(cols, fieldExpr(f)+direction(desc))
		}
		cols = append(cols, "id"+direction(desc))
		ddl = append(ddl, "CREATE INDEX IF NOT EXISTS "+indexName(spec.Name, ix)+
			" ON "+table+" ("+strings.Join(cols, ", ")+")")
	}
	return ddl
}

// direction is the SQL suffix of a column or ORDER BY term.
func direction(desc bool) string {
	if desc {
		return " DESC"
	}
	return ""
}

// load creates the base schema and reads back the declared collections.
func (s *Store) load(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, baseSchema); err != nil {
		return err
	}
	if err := addCheckpointSource(ctx, s.write); err != nil {
		return err
	}
	if err := s.cp.prepare(ctx, s.write, s.read); err != nil {
		return err
	}
	specs, err := storedSpecs(ctx, s.write)
	if err != nil {
		return err
	}
	for _, spec := range specs {
		// Names become SQL text: validate what the file says, too.
		if spec, err = query.Merge(application.CollectionSpec{}, spec); err != nil {
			return err
		}
		if s.colls[spec.Name], err = newCollection(ctx, s, spec); err != nil {
			return err
		}
	}
	return nil
}

// dropValueSamples empties sqlite_stat4, which files analysed before
// statsLimit hold, and has the write connection read the statistics
// again. Open runs it before it opens the read pool, whose connections
// read the statistics when they first query.
func dropValueSamples(ctx context.Context, db *sql.DB) error {
	var n int
	err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'").Scan(&n)
	if err != nil || n == 0 {
		return err
	}
	_, err = db.ExecContext(ctx, "DELETE FROM sqlite_stat4; ANALYZE sqlite_schema")
	return err
}

// storedSpecs reads every saved spec, closing its rows before anything else
// needs the single write connection.
func storedSpecs(ctx context.Context, db *sql.DB) ([]application.CollectionSpec, error) {
	rows, err := db.QueryContext(ctx, "SELECT spec FROM collections")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var specs []application.CollectionSpec
	for rows.Next() {
		var raw string
		var spec application.CollectionSpec
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &spec); err != nil {
			return nil, err
		}
		specs = append(specs, spec)
	}
	return specs, rows.Err()
}
