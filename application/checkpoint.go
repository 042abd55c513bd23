package application

import (
	"context"
	"fmt"
)

// Checkpoint is where a consumer of the global feed stands: the event
// store it was built from and the position and hash of the last event it
// applied. A derived store (read models, a bus forwarder's offsets) keeps
// all three in the same write as the effects of that event, whatever its
// backend: one transaction in SQL stores, one document update in MongoDB.
// Only then can the consumer tell, at start, whether the event store still
// holds the history it was built from (see Diverged).
type Checkpoint struct {
	StoreID  string
	Position uint64
	Hash     string
}

// Diverged tells why cp no longer matches the history in events, or ""
// when it does and the consumer may resume after it. Whatever the reason,
// the derived data cannot be trusted and must be rebuilt:
//   - cp was taken from another event store (or recorded before stores had
//     an id);
//   - cp is past the head: an older backup of the store was restored, or
//     its last commits were lost (a WAL deleted after the consumer saw
//     them);
//   - the event at cp's position is missing or has another hash: history
//     was replaced, and positions the consumer saw were handed out again.
//
// A checkpoint at position 0 has applied nothing and always matches.
func Diverged(ctx context.Context, events EventStore, cp Checkpoint) (string, error) {
	if cp.Position == 0 {
		return "", nil
	}
	id, err := events.StoreID(ctx)
	if err != nil {
		return "", err
	}
	switch {
	case cp.StoreID == "":
		return "its checkpoint was recorded without an event store id, by an older version", nil
	case cp.StoreID != id:
		return fmt.Sprintf("it was built from another event store (id %s; this one is %s)", cp.StoreID, id), nil
	}
	head, err := events.Head(ctx)
	if err != nil {
		return "", err
	}
	if cp.Position > head {
		return fmt.Sprintf("its checkpoint %d is past the event store's head %d "+
			"(an older backup restored, or recent commits lost)", cp.Position, head), nil
	}
	at, err := events.ReadAll(ctx, cp.Position-1, 1)
	if err != nil {
		return "", err
	}
	if len(at) == 0 || at[0].Position != cp.Position {
		return fmt.Sprintf("the event at its checkpoint %d is gone from the event store", cp.Position), nil
	}
	if at[0].Hash != cp.Hash {
		return fmt.Sprintf("the event at its checkpoint %d is not the one it applied (hash %s, recorded %s): "+
			"an older backup restored, or recent commits lost", cp.Position, at[0].Hash, cp.Hash), nil
	}
	return "", nil
}
