package application

import "context"

// ReadModelCheckpoints is a CheckpointStore in a ReadModelStore, beside
// the projections' checkpoints (an Apply that writes nothing else): for an
// event store that keeps no checkpoints itself. Prefer the event store's
// own where it has one, which a backup restores together with the events.
type ReadModelCheckpoints struct{ Store ReadModelStore }

var _ CheckpointStore = ReadModelCheckpoints{}

// LoadCheckpoint implements CheckpointStore.
func (c ReadModelCheckpoints) LoadCheckpoint(ctx context.Context, consumer string) (Checkpoint, error) {
	return c.Store.Checkpoint(ctx, consumer)
}

// SaveCheckpoint implements CheckpointStore.
func (c ReadModelCheckpoints) SaveCheckpoint(ctx context.Context, consumer string, cp Checkpoint) error {
	if err := CheckCheckpoint(consumer, cp); err != nil {
		return err
	}
	return c.Store.Apply(ctx, consumer, cp, func(ReadModelTx) error { return nil })
}
