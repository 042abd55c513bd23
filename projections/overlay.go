package projections

import (
	"context"
	"encoding/json"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// overlay is a write-behind buffer over one batch's ReadModelTx. A batch
// often touches the same document many times (every receipt of a SKU
// rewrites its stock row); the overlay serves those reads from memory and
// writes each document once, at the end of the batch. Anything it cannot
// answer alone (Patch, Find, Count) first flushes what is pending, so the
// projection always sees its own writes.
//
// Every write carries the position of the event that caused it (see
// application.EventTx), and a write of an event the document has already
// seen is dropped before it enters the buffer: after a crash between a
// store's documents and its checkpoint, the buffer then never holds a
// document that counts an event twice, which a later event of the same
// batch would otherwise build on and write.
type overlay struct {
	tx      application.ReadModelTx
	ev      application.EventTx // nil if tx records no positions
	at      uint64              // position of the event being applied
	pending map[docKey]*pendingDoc
	order   []docKey // first-write order, so flushes are deterministic
	// read holds the documents read from the store in this batch, whose
	// writes are checked against the position they have seen.
	read map[docKey]bool
	// failed is the first failure of the store under the overlay (not a
	// domain error such as not found): a handler that returns after one
	// failed because of the store, not because of its event.
	failed error
}

type docKey struct{ collection, id string }

type pendingDoc struct {
	doc     json.RawMessage
	deleted bool
	at      uint64 // position of the event that wrote it last
}

func newOverlay(tx application.ReadModelTx) *overlay {
	ev, _ := tx.(application.EventTx)
	return &overlay{tx: tx, ev: ev, pending: map[docKey]*pendingDoc{}, read: map[docKey]bool{}}
}

// event makes position the cause of the writes that follow.
func (o *overlay) event(position uint64) { o.at = position }

// writer is the store's batch as seen by the event at position.
func (o *overlay) writer(position uint64) application.ReadModelTx {
	if o.ev == nil || position == 0 {
		return o.tx
	}
	return o.ev.At(position)
}

func (o *overlay) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	if p, ok := o.pending[docKey{collection, id}]; ok {
		if p.deleted {
			return nil, domain.Errorf(domain.KindNotFound, "not_found", "no document %s in %s", id, collection)
		}
		return p.doc, nil
	}
	doc, err := o.tx.Get(ctx, collection, id)
	if err == nil || domain.KindOf(err) == domain.KindNotFound {
		o.read[docKey{collection, id}] = true
	}
	return doc, o.note(err)
}

func (o *overlay) Upsert(ctx context.Context, collection, id string, doc any) error {
	raw, ok := doc.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = json.Marshal(doc); err != nil {
			return err
		}
	}
	return o.put(ctx, docKey{collection, id}, &pendingDoc{doc: raw})
}

func (o *overlay) Delete(ctx context.Context, collection, id string) error {
	return o.put(ctx, docKey{collection, id}, &pendingDoc{deleted: true})
}

func (o *overlay) Patch(ctx context.Context, collection, id string, fields map[string]any) error {
	if err := o.flush(ctx); err != nil {
		return err
	}
	return o.note(o.writer(o.at).Patch(ctx, collection, id, fields))
}

func (o *overlay) Find(ctx context.Context, collection string, q application.Query) (application.Page, error) {
	if err := o.flush(ctx); err != nil {
		return application.Page{}, err
	}
	page, err := o.tx.Find(ctx, collection, q)
	return page, o.note(err)
}

func (o *overlay) Count(ctx context.Context, collection string, filters []application.Filter) (int64, error) {
	if err := o.flush(ctx); err != nil {
		return 0, err
	}
	n, err := o.tx.Count(ctx, collection, filters)
	return n, o.note(err)
}

// put buffers a write of the current event, unless the document, as read
// from the store, has seen that event already.
func (o *overlay) put(ctx context.Context, k docKey, p *pendingDoc) error {
	p.at = o.at
	if _, ok := o.pending[k]; !ok {
		if o.read[k] && o.ev != nil && o.at > 0 {
			seen, err := o.ev.Seen(ctx, k.collection, k.id)
			if err != nil {
				return o.note(err)
			}
			if seen >= o.at {
				return nil
			}
		}
		o.order = append(o.order, k)
	}
	o.pending[k] = p
	return nil
}

// flush writes every pending document to the transaction.
func (o *overlay) flush(ctx context.Context) error {
	for _, k := range o.order {
		p := o.pending[k]
		var err error
		w := o.writer(p.at)
		if p.deleted {
			err = w.Delete(ctx, k.collection, k.id)
		} else {
			err = w.Upsert(ctx, k.collection, k.id, p.doc)
		}
		if err != nil {
			return o.note(err)
		}
	}
	clear(o.pending)
	o.order = o.order[:0]
	return nil
}

// note records err as the store's failure unless it is a domain error,
// and returns it.
func (o *overlay) note(err error) error {
	if err != nil && o.failed == nil && domain.KindOf(err) == 0 {
		o.failed = err
	}
	return err
}
