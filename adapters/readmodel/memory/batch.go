package memory

import (
	"context"
	"encoding/json"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// Apply runs fn against a copy-on-write overlay of the committed documents
// and, only if fn succeeds, swaps the overlay and the checkpoint in under
// one exclusive lock: readers see the whole batch or none of it. fn must
// use only tx for writes and must not call Apply, Reset or Declare, which
// wait for this batch to end.
func (s *Store) Apply(ctx context.Context, projection string, at application.Checkpoint, fn func(application.ReadModelTx) error) error {
	s.writer.Lock()
	defer s.writer.Unlock()
	o := &overlay{base: committed{s}, writes: map[string]map[string]*document{}}
	if err := fn(&batch{reader: reader{s, o}, o: o}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for c, writes := range o.writes {
		for id, d := range writes {
			if d == nil {
				delete(s.docs[c], id)
			} else {
				s.docs[c][id] = d
			}
		}
	}
	s.checkpoints[projection] = at
	return nil
}

// overlay is a batch's view: its own writes (nil marks a delete) over the
// committed documents, which it never modifies.
type overlay struct {
	base   committed
	writes map[string]map[string]*document
}

func (o *overlay) lookup(collection, id string) *document {
	if d, ok := o.writes[collection][id]; ok {
		return d
	}
	return o.base.lookup(collection, id)
}

func (o *overlay) each(collection string, fn func(string, *document)) {
	writes := o.writes[collection]
	o.base.each(collection, func(id string, d *document) {
		if _, shadowed := writes[id]; !shadowed {
			fn(id, d)
		}
	})
	for id, d := range writes {
		if d != nil {
			fn(id, d)
		}
	}
}

func (o *overlay) put(collection, id string, d *document) {
	if o.writes[collection] == nil {
		o.writes[collection] = map[string]*document{}
	}
	o.writes[collection][id] = d
}

// batch is the application.ReadModelTx of one Apply.
type batch struct {
	reader
	o *overlay
}

func (b *batch) Upsert(_ context.Context, collection, id string, doc any) error {
	if err := b.check(collection, id); err != nil {
		return err
	}
	raw, err := query.MarshalDoc(doc)
	if err != nil {
		return err
	}
	fields, err := query.DecodeObject(raw)
	if err != nil {
		return err
	}
	b.o.put(collection, id, &document{raw: raw, fields: fields})
	return nil
}

func (b *batch) Patch(_ context.Context, collection, id string, fields map[string]any) error {
	if err := b.check(collection, id); err != nil {
		return err
	}
	old := b.lookup(collection, id)
	if old == nil {
		return query.DocNotFound(collection, id)
	}
	merged, err := query.MergePatch(old.raw, fields)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(merged)
	if err != nil {
		return err
	}
	b.o.put(collection, id, &document{raw: raw, fields: merged})
	return nil
}

func (b *batch) Delete(_ context.Context, collection, id string) error {
	if err := b.check(collection, id); err != nil {
		return err
	}
	b.o.put(collection, id, nil)
	return nil
}

// check validates the collection and id of a write.
func (b *batch) check(collection, id string) error {
	b.s.mu.RLock()
	_, ok := b.s.specs[collection]
	b.s.mu.RUnlock()
	if !ok {
		return query.UnknownCollection(collection)
	}
	return query.CheckID(id)
}

// lookup reads through the overlay under the store's shared lock.
func (b *batch) lookup(collection, id string) *document {
	b.s.mu.RLock()
	defer b.s.mu.RUnlock()
	return b.o.lookup(collection, id)
}

// At returns the batch itself: it commits with its checkpoint all at once,
// so no write needs a position to be applied again safely.
func (b *batch) At(uint64) application.ReadModelTx { return b }

// Seen is always 0: the store records no positions.
func (b *batch) Seen(context.Context, string, string) (uint64, error) { return 0, nil }
