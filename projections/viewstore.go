package projections

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/webos-engine/webos/application"
)

// ViewStore is the read-model store as views read it. A projection's
// collections are named by the projection (its logical names), but a
// store keeps each version of a projection under its own names
// (application.VersionedName); a ViewStore reads each collection from the
// version that serves the projection's views. Writes pass through as
// they are: they belong to projections, which the runtime points at the
// version they build.
//
// Switching a projection to another version (Runtime) takes the store's
// lock exclusively for the moment it changes the names, so a read runs
// wholly on one version, and once the switch returns no read is still
// on the old collections, which can then be dropped.
type ViewStore struct {
	application.ReadModelStore
	mu sync.RWMutex
	// names maps a logical name to the collection that serves it, where
	// the two differ.
	names map[string]string
}

// NewViewStore returns store as views read it; until a projection of
// version 2 or later serves, it reads every collection under its own
// name.
func NewViewStore(store application.ReadModelStore) *ViewStore {
	return &ViewStore{ReadModelStore: store, names: map[string]string{}}
}

// Get returns the document from the collection serving collection.
func (s *ViewStore) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ReadModelStore.Get(ctx, s.resolve(collection), id)
}

// Find runs q on the collection serving collection.
func (s *ViewStore) Find(ctx context.Context, collection string, q application.Query) (application.Page, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ReadModelStore.Find(ctx, s.resolve(collection), q)
}

// Count counts on the collection serving collection.
func (s *ViewStore) Count(ctx context.Context, collection string, filters []application.Filter) (int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ReadModelStore.Count(ctx, s.resolve(collection), filters)
}

// resolve is the collection serving the logical name; the caller holds mu.
func (s *ViewStore) resolve(logical string) string {
	if physical, ok := s.names[logical]; ok {
		return physical
	}
	return logical
}

// Resolve is the collection that serves the logical name now.
func (s *ViewStore) Resolve(logical string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.resolve(logical)
}

// route makes version v serve the logical collections, and forgets the
// names of gone, which no version serves any more. It waits for the reads
// in flight: none of them is on the collections it replaced once it
// returns.
func (s *ViewStore) route(v int, collections, gone []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range gone {
		delete(s.names, c)
	}
	for _, c := range collections {
		if physical := application.VersionedName(c, v); physical != c {
			s.names[c] = physical
		} else {
			delete(s.names, c)
		}
	}
}
