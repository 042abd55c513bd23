// Package memory is an in-memory application.SnapshotStore, for tests.
package memory

import (
	"context"
	"sync"

	"github.com/webos-engine/webos/application"
)

// Store keeps snapshots in a map.
type Store struct {
	mu    sync.Mutex
	m     map[string]application.Snapshot
	owner string // the event store id given to Claim
}

// New returns an empty store.
func New() *Store { return &Store{m: map[string]application.Snapshot{}} }

// Claim records storeID as the owner, first dropping every snapshot if
// the owner was another (or none).
func (s *Store) Claim(_ context.Context, storeID string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.owner == storeID {
		return 0, nil
	}
	n := len(s.m)
	clear(s.m)
	s.owner = storeID
	return n, nil
}

// SaveSnapshot keeps s unless a snapshot of a higher version is stored.
func (s *Store) SaveSnapshot(_ context.Context, snap application.Snapshot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[snap.StreamID]; ok && old.Version > snap.Version {
		return nil
	}
	snap.Data = append([]byte(nil), snap.Data...)
	s.m[snap.StreamID] = snap
	return nil
}

// LoadSnapshot returns the stream's snapshot, if any.
func (s *Store) LoadSnapshot(_ context.Context, stream string) (application.Snapshot, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, ok := s.m[stream]
	snap.Data = append([]byte(nil), snap.Data...)
	return snap, ok, nil
}

// Close does nothing.
func (s *Store) Close() error { return nil }
