package bus

import (
	"context"

	"github.com/webos-engine/webos/application"
)

// ReadModelCheckpoints is an application.CheckpointStore in a read-model
// store, beside the projections' checkpoints (an Apply that writes
// nothing else), for an engine whose event store keeps none.
type ReadModelCheckpoints struct{ Store application.ReadModelStore }

var _ application.CheckpointStore = ReadModelCheckpoints{}

// LoadCheckpoint implements application.CheckpointStore.
func (c ReadModelCheckpoints) LoadCheckpoint(ctx context.Context, consumer string) (application.Checkpoint, error) {
	return c.Store.Checkpoint(ctx, consumer)
}

// SaveCheckpoint implements application.CheckpointStore.
func (c ReadModelCheckpoints) SaveCheckpoint(ctx context.Context, consumer string, cp application.Checkpoint) error {
	if err := application.CheckCheckpoint(consumer, cp); err != nil {
		return err
	}
	return c.Store.Apply(ctx, consumer, cp, func(application.ReadModelTx) error { return nil })
}
