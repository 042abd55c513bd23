package application

import (
	"context"

	"github.com/webos-engine/webos/domain"
)

// batched returns how many commands at the head of queued can run as
// one batch: 1 when the first must run alone, because it names a version
// (If-Match: in a batch the loaded version is not the one before each
// command) or carries a command id; else up to the first command that
// must run alone or is of another aggregate type. Cutting there, rather
// than running such commands after the batch, keeps the order they
// queued in: an If-Match command must not meet a version that commands
// queued after it made.
func batched(queued []*queuedCommand) int {
	n := 0
	for _, q := range queued {
		m := MetaFrom(q.ctx)
		if m.ExpectedVersion != nil || m.CommandID != "" || !sameType(q.agg, queued[0].agg) {
			break
		}
		n++
	}
	return max(n, 1)
}

// batch runs together, commands queued in a row on a stream that batched
// groups, as one: each is decided in turn on the state the ones before it
// left, and their events are appended together, in one commit, each
// stamped with its own command's Meta. It returns the commands to run
// alone instead, in order: all of them when there is only one or the
// append failed, and those from a command that failed half-way on. e's
// lock must be held.
func (r *Repository) batch(e *streamEntry, together []*queuedCommand) []*queuedCommand {
	if len(together) < 2 {
		return together
	}
	// The append must not fail half-way because one caller went away.
	ctx := context.WithoutCancel(together[0].ctx)
	// A new aggregate, not together[0].agg: when e has no live one, the
	// batch decides on the aggregate given here, and if its append fails
	// that one holds the batch's events while together[0] runs alone.
	a, err := r.prepared(ctx, e, together[0].fresh())
	if err != nil {
		return together
	}
	base := a.Root().Version()
	var decided, refused, alone []*queuedCommand
	var ends []int // ends[i]: the pending events up to decided[i]'s
	var envs []domain.Envelope
	var reasons []error
	for i, q := range together {
		from := len(a.Root().Pending())
		err := q.decide(a)
		to := len(a.Root().Pending())
		if err == nil {
			// Encoded at once, as a command alone is: the next command's
			// Apply may edit state that these events share.
			var more []domain.Envelope
			if more, err = r.envelopes(q.ctx, e.id, a.Root().Pending()[from:to], a.Root().PendingData()[from:to]); err == nil {
				decided, ends, envs = append(decided, q), append(ends, to), append(envs, more...)
				continue
			}
		}
		if to > from || isPanic(err) { // decided half-way, or unstorable: q and the rest start over
			e.live = nil
			alone = together[i:]
			break
		}
		// Refused on state the batch has not stored yet: answered only
		// once it is.
		refused, reasons = append(refused, q), append(reasons, err)
	}
	stored, err := r.appendBatch(ctx, e, a, envs, base)
	if err != nil {
		e.live = nil
		return together
	}
	for i, q := range refused {
		q.finish(Result{}, reasons[i])
	}
	for i, q := range decided {
		from := 0
		if i > 0 {
			from = ends[i-1]
		}
		res := Result{Stream: e.id, Version: base + uint64(ends[i]), Events: []string{}}
		for _, s := range stored[from:ends[i]] {
			res.Events = append(res.Events, s.ID)
			res.Position = s.Position
		}
		q.finish(res, nil)
	}
	return alone
}

// appendBatch appends envs, the events a raised, expecting the stream at
// version base.
func (r *Repository) appendBatch(ctx context.Context, e *streamEntry, a domain.Aggregate, envs []domain.Envelope, base uint64) ([]domain.Envelope, error) {
	if len(envs) == 0 {
		return nil, nil
	}
	stored, err := r.appendKept(ctx, e.id, domain.ExpectedVersion(base), envs, a.Root().Pending(), a.Root().PendingData())
	if err != nil {
		return nil, err
	}
	last := stored[len(stored)-1]
	a.Root().Committed(last.StreamVersion)
	if e.live == a {
		e.liveHash = last.Hash
		r.maybeSnapshot(ctx, e, a, base, last.Hash)
	}
	return stored, nil
}
