package application

import (
	"context"

	"github.com/webos-engine/webos/domain"
)

// RegisterAggregateCommand is RegisterCommand for the usual command on one
// aggregate: newAggregate names the aggregate the command addresses and
// decide calls its method; the handler is AggregateHandler's, with mode,
// over the module's Repository.
func RegisterAggregateCommand[A domain.Aggregate, C any](r *Registrar, name, permission string, mode Mode,
	newAggregate func(C) A, decide func(A, C) error) {
	h := AggregateHandler(r.Repository(), mode, newAggregate,
		func(_ context.Context, a A, c C) error { return decide(a, c) })
	RegisterCommand(r, name, permission, h)
}
