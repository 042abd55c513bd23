// Package memory is an in-memory application.ReadModelStore for tests and
// for running without a database. It implements exactly the query
// semantics of package query, which the SQLite adapter reproduces in SQL;
// the readmodeltest conformance suite holds both to the same results.
package memory

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// document is a stored document: its JSON, returned by reads, and the same
// JSON decoded once at write time, so queries need not re-parse it.
type document struct {
	raw    json.RawMessage
	fields map[string]any
}

// Store is the in-memory read-model store. It is safe for concurrent use.
type Store struct {
	// writer serialises Apply, Reset and Declare, so a batch reads committed
	// state that cannot change under it and commits without conflicts.
	writer sync.Mutex
	// mu guards the committed state below; readers take it shared and a
	// commit takes it exclusively, only for the moment it swaps writes in.
	mu          sync.RWMutex
	specs       map[string]application.CollectionSpec
	docs        map[string]map[string]*document
	checkpoints map[string]application.Checkpoint
}

var _ application.ReadModelStore = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		specs:       map[string]application.CollectionSpec{},
		docs:        map[string]map[string]*document{},
		checkpoints: map[string]application.Checkpoint{},
	}
}

// Declare creates the collection or adds fields and indexes to it. Indexes
// are accepted and ignored: every query is a scan here.
func (s *Store) Declare(_ context.Context, spec application.CollectionSpec) error {
	s.writer.Lock()
	defer s.writer.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	merged, err := query.Merge(s.specs[spec.Name], spec)
	if err != nil {
		return err
	}
	s.specs[spec.Name] = merged
	if s.docs[spec.Name] == nil {
		s.docs[spec.Name] = map[string]*document{}
	}
	return nil
}

// Checkpoint returns the checkpoint last stored for projection, the zero
// Checkpoint if none.
func (s *Store) Checkpoint(_ context.Context, projection string) (application.Checkpoint, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.checkpoints[projection], nil
}

// Reset deletes the documents of the named collections and the checkpoint
// of projection in one step. Undeclared collections hold nothing to delete.
func (s *Store) Reset(_ context.Context, projection string, collections []string) error {
	s.writer.Lock()
	defer s.writer.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range collections {
		if _, ok := s.specs[c]; ok {
			s.docs[c] = map[string]*document{}
		}
	}
	delete(s.checkpoints, projection)
	return nil
}

// Drop forgets the named collections: documents and declaration.
func (s *Store) Drop(_ context.Context, collections []string) error {
	s.writer.Lock()
	defer s.writer.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range collections {
		delete(s.specs, c)
		delete(s.docs, c)
	}
	return nil
}

// Close does nothing; the store lives as long as it is referenced.
func (s *Store) Close() error { return nil }

// Get returns the committed document under id.
func (s *Store) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	return reader{s, committed{s}}.Get(ctx, collection, id)
}

// Find runs q over the committed documents.
func (s *Store) Find(ctx context.Context, collection string, q application.Query) (application.Page, error) {
	return reader{s, committed{s}}.Find(ctx, collection, q)
}

// Count counts the committed documents matching filters.
func (s *Store) Count(ctx context.Context, collection string, filters []application.Filter) (int64, error) {
	return reader{s, committed{s}}.Count(ctx, collection, filters)
}
