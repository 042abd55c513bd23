package memory

import (
	"context"

	"github.com/webos-engine/webos/application"
)

var _ application.CheckpointStore = (*Store)(nil)

// LoadCheckpoint returns consumer's checkpoint, kept beside the events;
// see application.CheckpointStore.
func (s *Store) LoadCheckpoint(ctx context.Context, consumer string) (application.Checkpoint, error) {
	if err := application.CheckCheckpoint(consumer, application.Checkpoint{}); err != nil {
		return application.Checkpoint{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(ctx); err != nil {
		return application.Checkpoint{}, err
	}
	return s.checkpoints[consumer], nil
}

// SaveCheckpoint replaces consumer's checkpoint; see
// application.CheckpointStore.
func (s *Store) SaveCheckpoint(ctx context.Context, consumer string, cp application.Checkpoint) error {
	if err := application.CheckCheckpoint(consumer, cp); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(ctx); err != nil {
		return err
	}
	if cp == (application.Checkpoint{}) {
		delete(s.checkpoints, consumer)
	} else {
		s.checkpoints[consumer] = cp
	}
	return nil
}
