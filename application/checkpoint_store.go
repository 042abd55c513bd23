package application

import (
	"context"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/webos-engine/webos/domain"
)

// CheckpointStore keeps where each consumer of the global feed that is not
// a projection stands: a bus forwarder, a saga runtime, a job runner. A
// projection keeps its checkpoint in its ReadModelStore instead, in the
// same write as its documents.
//
// Contract, checked by adapters/checkpoint/checkpointtest for every adapter:
//   - LoadCheckpoint returns the checkpoint last saved for consumer, or the
//     zero Checkpoint when none was.
//   - SaveCheckpoint replaces consumer's checkpoint with cp; once it
//     returns nil the checkpoint is as durable as the store's events.
//     Saving the zero Checkpoint starts the consumer over. Consumers are
//     independent of each other; a consumer is one writer, and of two
//     saves racing for one, the one that commits last wins.
//   - Consumer names and the checkpoint's strings are checked with
//     CheckCheckpoint: anything else is a domain.KindInvalid error, and
//     nothing is saved.
//   - Implementations are safe for concurrent use.
//
// The event store adapters implement it in their own database (see
// docs/derived-stores.md): a backup of the event store restores the
// checkpoints consistent with its events, and a checkpoint taken there is
// never ahead of the events it came from. A consumer still checks its
// checkpoint at start with Diverged, since it may be handed another store.
//
// A consumer applies each event at least once: it saves its checkpoint
// after the event's effects, and after a crash applies again the events
// since the last save. Its effects must therefore be idempotent: commands
// carry a command id derived from the event (WithCommandID), so that a
// command sent again is answered with its first result; messages carry the
// event id, so that their consumers can drop what they processed before.
type CheckpointStore interface {
	// LoadCheckpoint returns consumer's checkpoint, the zero Checkpoint
	// when it has none.
	LoadCheckpoint(ctx context.Context, consumer string) (Checkpoint, error)
	// SaveCheckpoint replaces consumer's checkpoint with cp.
	SaveCheckpoint(ctx context.Context, consumer string, cp Checkpoint) error
}

// MaxConsumerName is the longest consumer name, in bytes.
const MaxConsumerName = 200

// CheckCheckpoint checks a consumer name and a checkpoint before a
// CheckpointStore keeps them: the name is 1 to MaxConsumerName bytes,
// every string is UTF-8 without NUL, which every store keeps byte for
// byte, and the position fits a signed 64-bit integer, as every store's
// positions do (SQLite's and PostgreSQL's integers; KurrentDB's log
// positions are signed 64-bit in the server).
func CheckCheckpoint(consumer string, cp Checkpoint) error {
	if consumer == "" || len(consumer) > MaxConsumerName {
		return domain.Invalid(fmt.Sprintf("a consumer name is 1 to %d bytes, not %d", MaxConsumerName, len(consumer)))
	}
	if cp.Position > math.MaxInt64 {
		return domain.Invalid(fmt.Sprintf("the checkpoint's position %d is past any store's", cp.Position))
	}
	for what, s := range map[string]string{"consumer name": consumer, "store id": cp.StoreID, "hash": cp.Hash} {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return domain.Invalid(fmt.Sprintf("the checkpoint's %s %q is not UTF-8 text without NUL", what, s))
		}
	}
	return nil
}
