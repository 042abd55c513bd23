package application

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/webos-engine/webos/domain"
)

// ErrStreamNotOwned is the error of an append by a module to a stream
// outside its own prefix ("{module}.").
var ErrStreamNotOwned = errors.New("the stream belongs to another module")

// ownedStore is the event store as one module's repository sees it: every
// stream can be read, but only the module's own streams can be written, so
// one module can never add to another's history; it must send a command.
type ownedStore struct {
	EventStore
	module string
}

// Append refuses a stream outside the module's prefix before the store
// sees it.
func (s ownedStore) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, error) {
	if !strings.HasPrefix(stream, s.module+".") {
		return nil, fmt.Errorf("module %s appending to %q: %w (its streams start with %q)", s.module, stream, ErrStreamNotOwned, s.module+".")
	}
	return s.EventStore.Append(ctx, stream, expected, events)
}
