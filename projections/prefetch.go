package projections

import "github.com/webos-engine/webos/domain"

// item is an event read ahead of its batch, decoded if the projection
// handles it. A decoding error is kept for when the batch is applied, so
// it fails that batch like any handler error.
type item struct {
	env     domain.Envelope
	handled bool
	ev      domain.Event
	err     error
}

// maxPrefetch caps the read-ahead buffer, which is allocated up front:
// a huge configured batch size must not cost a huge buffer.
const maxPrefetch = 8192

// prefetch reads in ahead into a buffer of up to a catch-up batch and
// decodes the events the projection handles, on its own goroutine, so
// reading and decoding the feed overlap with applying the previous batch
// (the subscription itself buffers little). The returned channel is
// closed only after in is closed, so that the subscription's Err may be
// read then. Everything in delivers is forwarded, also after the run's
// context has ended, since the runner drains the channel and flushes it
// at shutdown; only stop, closed once the runner has returned, makes it
// drop the rest (the subscription's context must end then too, so that
// in closes).
//
// An event an operator told the projection to skip (Runtime.Skip) is
// passed on as not handled, so it only moves the checkpoint.
func (r *runner) prefetch(stop <-chan struct{}, in <-chan domain.Envelope, skips map[uint64]string) <-chan item {
	out := make(chan item, min(r.rt.opts.CatchUpBatchSize, maxPrefetch))
	go func() {
		defer close(out)
		defer func() {
			for range in { // let the subscription finish
			}
		}()
		for e := range in {
			it := item{env: e, handled: r.p.Handles(e.Type)}
			if hash, ok := skips[e.Position]; ok && hash == e.Hash && it.handled {
				it.handled = false
				r.rt.log.Warn("projection skips an event, as an operator recorded", "projection", r.p.Name(),
					"position", e.Position, "event_id", e.ID, "type", e.Type)
			}
			if it.handled {
				it.ev, it.err = r.rt.types.Decode(&it.env)
			}
			select {
			case out <- it:
			case <-stop:
				return
			}
		}
	}()
	return out
}
