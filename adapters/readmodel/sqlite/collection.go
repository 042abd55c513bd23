package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// collection is a declared collection: its merged spec, its table and the
// statements of the hot paths, prepared once because a projection rebuild
// runs them thousands of times a second. A collection is immutable once
// published; Declare replaces it.
type collection struct {
	spec  application.CollectionSpec
	table string
	// On the write connection, for use inside Apply.
	get, upsert, patch, del *sql.Stmt
	// On the read pool, for Get outside Apply.
	readGet *sql.Stmt
}

func newCollection(ctx context.Context, s *Store, spec application.CollectionSpec) (*collection, error) {
	c := &collection{spec: spec, table: tableName(spec.Name)}
	var errs []error
	prep := func(db *sql.DB, text string) *sql.Stmt {
		st, err := db.PrepareContext(ctx, text)
		errs = append(errs, err)
		return st
	}
	c.get = prep(s.write, "SELECT json(doc) FROM "+c.table+" WHERE id = ?")
	c.upsert = prep(s.write, "INSERT INTO "+c.table+" (id, doc) VALUES (?, jsonb(?)) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc")
	c.patch = prep(s.write, "UPDATE "+c.table+" SET doc = jsonb_patch(doc, ?) WHERE id = ?")
	c.del = prep(s.write, "DELETE FROM "+c.table+" WHERE id = ?")
	c.readGet = prep(s.read, "SELECT json(doc) FROM "+c.table+" WHERE id = ?")
	return c, errors.Join(errs...)
}

// collection returns the declared collection called name.
func (s *Store) collection(name string) (*collection, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if c, ok := s.colls[name]; ok {
		return c, nil
	}
	return nil, query.UnknownCollection(name)
}

// Declare creates the collection's table and indexes, or adds the new
// fields and indexes to them, and saves the merged spec, in one
// transaction. Indexes are built over the documents already stored.
func (s *Store) Declare(ctx context.Context, spec application.CollectionSpec) error {
	s.declareMu.Lock()
	defer s.declareMu.Unlock()
	s.mu.RLock()
	prev := s.colls[spec.Name]
	s.mu.RUnlock()
	var prevSpec application.CollectionSpec
	if prev != nil {
		prevSpec = prev.spec
	}
	merged, err := query.Merge(prevSpec, spec)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(merged)
	if err != nil {
		return err
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op once committed
	for _, ddl := range collectionDDL(merged) {
		if _, err := tx.ExecContext(ctx, ddl); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO collections (name, spec) VALUES (?, ?) "+
		"ON CONFLICT (name) DO UPDATE SET spec = excluded.spec", merged.Name, string(raw)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	next := &collection{}
	if prev != nil {
		// The statements name only the table, which is unchanged.
		*next = *prev
		next.spec = merged
	} else if next, err = newCollection(ctx, s, merged); err != nil {
		return err
	}
	s.mu.Lock()
	s.colls[merged.Name] = next
	s.mu.Unlock()
	return nil
}

// Drop drops the tables of the named collections, with their indexes, and
// forgets their specs, in one transaction; then closes their statements,
// and the cached page statements, which may name them.
// Undeclared collections have nothing to drop.
func (s *Store) Drop(ctx context.Context, collections []string) error {
	s.declareMu.Lock()
	defer s.declareMu.Unlock()
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op once committed
	for _, name := range collections {
		if !query.ValidCollection(name) {
			continue // never declared: its name is no table's
		}
		if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+tableName(name)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM collections WHERE name = ?", name); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.mu.Lock()
	var gone []*collection
	for _, name := range collections {
		if c, ok := s.colls[name]; ok {
			gone = append(gone, c)
			delete(s.colls, name)
		}
	}
	s.mu.Unlock()
	for _, c := range gone {
		c.close()
	}
	s.stmts.reset()
	return nil
}

// close closes the collection's prepared statements.
func (c *collection) close() {
	for _, st := range []*sql.Stmt{c.get, c.upsert, c.patch, c.del, c.readGet} {
		_ = st.Close() // closing a statement of a dropped table reports nothing useful
	}
}
