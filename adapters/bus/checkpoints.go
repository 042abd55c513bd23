package bus

import (
	"context"

	"github.com/webos-engine/webos/application"
)

// Checkpoints keeps the checkpoint of a consumer of the global feed that is
// not a projection, by name.
type Checkpoints interface {
	// Checkpoint returns the checkpoint saved under name, the zero
	// Checkpoint if none.
	Checkpoint(ctx context.Context, name string) (application.Checkpoint, error)
	// SaveCheckpoint replaces the checkpoint saved under name.
	SaveCheckpoint(ctx context.Context, name string, cp application.Checkpoint) error
}

// ReadModelCheckpoints keeps checkpoints in a read-model store, beside the
// projections' own (an Apply that writes nothing else).
type ReadModelCheckpoints struct{ Store application.ReadModelStore }

// Checkpoint implements Checkpoints.
func (c ReadModelCheckpoints) Checkpoint(ctx context.Context, name string) (application.Checkpoint, error) {
	return c.Store.Checkpoint(ctx, name)
}

// SaveCheckpoint implements Checkpoints.
func (c ReadModelCheckpoints) SaveCheckpoint(ctx context.Context, name string, cp application.Checkpoint) error {
	return c.Store.Apply(ctx, name, cp, func(application.ReadModelTx) error { return nil })
}
