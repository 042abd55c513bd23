package application

import (
	"context"
	"fmt"
	"reflect"

	"github.com/webos-engine/webos/domain"
)

// current brings a, a new aggregate of e's stream, to the stream's latest
// version from the best state known, and returns the hash of the event at
// that version ("" for an empty stream). e's lock must be held.
func (r *Repository) current(ctx context.Context, e *streamEntry, a domain.Aggregate) (string, error) {
	if live, ok := e.live.(domain.Snapshotter); ok && sameType(live, a) {
		// A copy through the encoded state: a must not share anything
		// with the aggregate the next command changes.
		if data, err := live.MarshalSnapshot(); err == nil && domain.Restore(a.(domain.Snapshotter), data, live.Root().Version()) == nil {
			return r.readFrom(ctx, e.id, a, a.Root().Version()+1, e.liveHash)
		}
	}
	snap := r.usableSnapshot(ctx, e, a)
	if snap != nil && snap == e.snapshot {
		// The cache's own snapshot was encoded from a state this
		// repository read and checked, like e.live: read only the
		// events after it (a warm load of a long stream reads no row).
		if domain.Restore(a.(domain.Snapshotter), snap.Data, snap.Version) == nil {
			return r.readFrom(ctx, e.id, a, snap.Version+1, snap.EventHash)
		}
	}
	if snap != nil {
		// A stored snapshot: read from its own version, to check that
		// the event there is the one the snapshot was taken after: a
		// snapshot newer than the stream, or of another history (a
		// restored backup of the events), must not be used.
		stored, err := r.readStream(ctx, e.id, snap.Version)
		if err != nil {
			return "", err
		}
		if len(stored) > 0 && stored[0].StreamVersion == snap.Version && snap.EventHash != "" && stored[0].Hash == snap.EventHash {
			if err := domain.Restore(a.(domain.Snapshotter), snap.Data, snap.Version); err == nil {
				return r.replay(e.id, a, stored[1:], snap.EventHash)
			}
			r.opts.Logger.WarnContext(ctx, "snapshot unusable; replaying the stream", "stream", e.id, "error", err)
		} else {
			r.opts.Logger.WarnContext(ctx, "snapshot does not match the stream; replaying the stream", "stream", e.id, "version", snap.Version)
		}
		e.snapshot, e.saved = nil, 0
	}
	return r.readFrom(ctx, e.id, a, 1, "")
}

// sameType reports whether a and b are aggregates of the same Go type.
func sameType(a, b domain.Aggregate) bool { return reflect.TypeOf(a) == reflect.TypeOf(b) }

// usableSnapshot returns the snapshot to start a from: e's cached one,
// else the stored one; nil when a is no Snapshotter or the snapshot's
// schema is not a's. A failure to read one is logged, not returned: the
// stream alone is enough.
func (r *Repository) usableSnapshot(ctx context.Context, e *streamEntry, a domain.Aggregate) *Snapshot {
	sa, ok := a.(domain.Snapshotter)
	if !ok {
		return nil
	}
	snap := e.snapshot
	if snap == nil && r.opts.Snapshots != nil {
		stored, found, err := r.opts.Snapshots.LoadSnapshot(ctx, e.id)
		if err != nil {
			r.opts.Logger.WarnContext(ctx, "snapshot unreadable; replaying the stream", "stream", e.id, "error", err)
		}
		if found && err == nil {
			snap, e.saved = &stored, stored.Version
		}
	}
	if snap == nil || snap.Schema != sa.SnapshotSchema() {
		return nil
	}
	return snap
}

// readFrom applies the events of stream id from version from on to a and
// returns the hash of the last, or hash when there are none.
func (r *Repository) readFrom(ctx context.Context, id string, a domain.Aggregate, from uint64, hash string) (string, error) {
	stored, err := r.readStream(ctx, id, from)
	if err != nil {
		return "", err
	}
	return r.replay(id, a, stored, hash)
}

func (r *Repository) readStream(ctx context.Context, id string, from uint64) ([]domain.Envelope, error) {
	stored, err := r.store.ReadStream(ctx, id, from, Forward, 0)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", id, err)
	}
	return stored, nil
}

// replay applies stored to a and returns the hash of the last event, or
// hash when stored is empty.
func (r *Repository) replay(id string, a domain.Aggregate, stored []domain.Envelope, hash string) (string, error) {
	for i := range stored {
		ev, err := r.events.Decode(&stored[i])
		if err != nil {
			return "", fmt.Errorf("load %s: %w", id, err)
		}
		domain.Replay(a, ev, stored[i].StreamVersion)
		hash = stored[i].Hash
	}
	return hash, nil
}
