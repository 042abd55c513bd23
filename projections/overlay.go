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
type overlay struct {
	tx      application.ReadModelTx
	pending map[docKey]*pendingDoc
	order   []docKey // first-write order, so flushes are deterministic
	// failed is the first failure of the store under the overlay (not a
	// domain error such as not found): a handler that returns after one
	// failed because of the store, not because of its event.
	failed error
}

type docKey struct{ collection, id string }

type pendingDoc struct {
	doc     json.RawMessage
	deleted bool
}

func newOverlay(tx application.ReadModelTx) *overlay {
	return &overlay{tx: tx, pending: map[docKey]*pendingDoc{}}
}

func (o *overlay) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	if p, ok := o.pending[docKey{collection, id}]; ok {
		if p.deleted {
			return nil, domain.Errorf(domain.KindNotFound, "not_found", "no document %s in %s", id, collection)
		}
		return p.doc, nil
	}
	doc, err := o.tx.Get(ctx, collection, id)
	return doc, o.note(err)
}

func (o *overlay) Upsert(_ context.Context, collection, id string, doc any) error {
	raw, ok := doc.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = json.Marshal(doc); err != nil {
			return err
		}
	}
	o.put(docKey{collection, id}, &pendingDoc{doc: raw})
	return nil
}

func (o *overlay) Delete(_ context.Context, collection, id string) error {
	o.put(docKey{collection, id}, &pendingDoc{deleted: true})
	return nil
}

func (o *overlay) Patch(ctx context.Context, collection, id string, fields map[string]any) error {
	if err := o.flush(ctx); err != nil {
		return err
	}
	return o.note(o.tx.Patch(ctx, collection, id, fields))
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

func (o *overlay) put(k docKey, p *pendingDoc) {
	if _, ok := o.pending[k]; !ok {
		o.order = append(o.order, k)
	}
	o.pending[k] = p
}

// flush writes every pending document to the transaction.
func (o *overlay) flush(ctx context.Context) error {
	for _, k := range o.order {
		p := o.pending[k]
		var err error
		if p.deleted {
			err = o.tx.Delete(ctx, k.collection, k.id)
		} else {
			err = o.tx.Upsert(ctx, k.collection, k.id, p.doc)
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
