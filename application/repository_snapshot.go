package application

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/webos-engine/webos/domain"
)

// maybeSnapshot saves a snapshot of a, whose last event has hash, when
// the append that took it from version from crossed a multiple of
// SnapshotEvery. The command has already succeeded, so a failure is only
// logged.
func (r *Repository) maybeSnapshot(ctx context.Context, e *streamEntry, a domain.Aggregate, from uint64, hash string) {
	every := uint64(r.opts.SnapshotEvery)
	if a.Root().Version()/every != from/every {
		r.saveSnapshot(ctx, e, a, hash)
	}
}

// snapshotEvicted saves the state an evicted entry held when it is newer
// than the stored snapshot, so that loading the stream again reads a
// snapshot and few events, not the whole stream: with more hot streams
// than the cache holds, a miss stays cheap.
func (r *Repository) snapshotEvicted(ctx context.Context, e *streamEntry) {
	ctx = context.WithoutCancel(ctx)
	switch {
	case e.live != nil && e.live.Root().Version() > e.saved:
		r.saveSnapshot(ctx, e, e.live, e.liveHash)
	case e.snapshot != nil && e.snapshot.Version > e.saved && r.opts.Snapshots != nil:
		if err := r.opts.Snapshots.SaveSnapshot(ctx, *e.snapshot); err != nil {
			r.opts.Logger.WarnContext(ctx, "snapshot not saved", "stream", e.id, "error", err)
		}
	}
}

// saveSnapshot stores a's state; hash is the hash of the event at its
// version. Aggregates that are no Snapshotter are skipped. It runs after
// a command's events are stored, so even a panic (a bug in
// MarshalSnapshot) is only logged: failing the command would have its
// caller send it again, and it would be applied twice.
func (r *Repository) saveSnapshot(ctx context.Context, e *streamEntry, a domain.Aggregate, hash string) {
	sa, ok := a.(domain.Snapshotter)
	if !ok || r.opts.Snapshots == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			r.opts.Logger.ErrorContext(ctx, "snapshot panicked; not saved", "stream", e.id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	data, err := sa.MarshalSnapshot()
	if err == nil {
		snap := Snapshot{StreamID: e.id, Version: a.Root().Version(), EventHash: hash, Schema: sa.SnapshotSchema(), Data: data, TakenAt: r.opts.Clock()}
		if err = r.opts.Snapshots.SaveSnapshot(ctx, snap); err == nil {
			e.saved = snap.Version
			return
		}
	}
	r.opts.Logger.WarnContext(ctx, "snapshot not saved", "stream", e.id, "error", err)
}
