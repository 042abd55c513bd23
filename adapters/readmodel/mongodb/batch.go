package mongodb

import (
	"context"
	"encoding/json"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// Apply runs fn over a batch that buffers its writes, then commits them
// and the checkpoint (see commit). Reads through the batch see its own
// writes; nothing of it is visible elsewhere before it commits, and
// nothing at all if fn fails. fn must use only its tx for writes and must
// not call Apply, Reset or Declare, which wait for this batch to end.
func (s *Store) Apply(ctx context.Context, projection string, at application.Checkpoint, fn func(application.ReadModelTx) error) error {
	s.writer.Lock()
	defer s.writer.Unlock()
	b := &batch{s: s, projection: projection, writes: map[string]map[string]*entry{}, stored: map[docKey]*storedDoc{}}
	if err := fn(b); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.commit(ctx, at)
}

// entry is a buffered write: a document, or a deletion.
type entry struct {
	raw     json.RawMessage
	fields  map[string]any // raw decoded, numbers as json.Number
	deleted bool
	at      uint64 // position of the event that wrote it last, 0 if none
}

type docKey struct{ collection, id string }

// storedDoc is what the batch read of a stored document.
type storedDoc struct {
	raw  json.RawMessage // nil when missing or a tombstone
	seen uint64          // position of the last event the projection applied to it
}

// batch is the application.ReadModelTx of one Apply.
type batch struct {
	s          *Store
	projection string
	// writes holds the buffered writes by collection and id, order the
	// order of their first write, so that commits are deterministic.
	writes map[string]map[string]*entry
	order  []docKey
	// stored caches the stored documents the batch has read.
	stored map[docKey]*storedDoc
	// deleted lists the documents the batch deleted or found deleted: their
	// tombstones go once the checkpoint has passed them.
	deleted []docKey
}

// event is the batch as seen by the event at position (0: none).
type event struct {
	*batch
	at uint64
}

// At returns the batch as seen by the event at position.
func (b *batch) At(position uint64) application.ReadModelTx { return event{b, position} }

// Seen returns the position of the last event the projection applied to
// the document, as stored when the batch began.
func (b *batch) Seen(ctx context.Context, collection, id string) (uint64, error) {
	d, err := b.read(ctx, docKey{collection, id})
	if err != nil {
		return 0, err
	}
	return d.seen, nil
}

func (b *batch) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	return event{b, 0}.Get(ctx, collection, id)
}

func (b *batch) Find(ctx context.Context, collection string, q application.Query) (application.Page, error) {
	return b.s.find(ctx, collection, q, b.writes[collection])
}

func (b *batch) Count(ctx context.Context, collection string, filters []application.Filter) (int64, error) {
	return b.s.count(ctx, collection, filters, b.writes[collection])
}

func (b *batch) Upsert(ctx context.Context, collection, id string, doc any) error {
	return event{b, 0}.Upsert(ctx, collection, id, doc)
}

func (b *batch) Patch(ctx context.Context, collection, id string, fields map[string]any) error {
	return event{b, 0}.Patch(ctx, collection, id, fields)
}

func (b *batch) Delete(ctx context.Context, collection, id string) error {
	return event{b, 0}.Delete(ctx, collection, id)
}

// read returns the stored document, reading it once per batch.
func (b *batch) read(ctx context.Context, k docKey) (*storedDoc, error) {
	if d, ok := b.stored[k]; ok {
		return d, nil
	}
	if _, err := b.s.spec(k.collection); err != nil {
		return nil, err
	}
	raw, err := b.s.coll(k.collection).FindOne(ctx, bson.D{{Key: "_id", Value: k.id}},
		options.FindOne().SetProjection(bson.D{{Key: "doc", Value: 1}, {Key: "gone", Value: 1}, {Key: atPath(b.projection), Value: 1}})).Raw()
	d := &storedDoc{}
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
	case err != nil:
		return nil, err
	default:
		d.seen = seenIn(raw, b.projection)
		if gone, _ := raw.Lookup("gone").BooleanOK(); !gone {
			if d.raw, err = docJSON(raw); err != nil {
				return nil, err
			}
		}
	}
	b.stored[k] = d
	return d, nil
}

// seenIn reads projection's position from a stored wrapper.
func seenIn(wrapper bson.Raw, projection string) uint64 {
	at, _ := wrapper.Lookup("at").DocumentOK()
	if at == nil {
		return 0
	}
	n, _ := at.Lookup(atPath(projection)[len("at."):]).Int64OK()
	return uint64(n) // stored as the int64 with the same bits
}

func (e event) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	k := docKey{collection, id}
	if w, ok := e.writes[collection][id]; ok {
		if w.deleted {
			return nil, query.DocNotFound(collection, id)
		}
		return w.raw, nil
	}
	d, err := e.read(ctx, k)
	if err != nil {
		return nil, err
	}
	if d.raw == nil {
		return nil, query.DocNotFound(collection, id)
	}
	return d.raw, nil
}

// skip reports whether the write of e to the document k is one of an
// event the document has already seen. A document the batch has written
// already is past that check; one it has not read is checked at commit.
func (e event) skip(k docKey) bool {
	if e.at == 0 || e.writes[k.collection][k.id] != nil {
		return false
	}
	d, ok := e.stored[k]
	return ok && d.seen >= e.at
}

func (e event) Upsert(ctx context.Context, collection, id string, doc any) error {
	if err := e.target(collection, id); err != nil {
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
	e.put(docKey{collection, id}, &entry{raw: raw, fields: fields})
	return nil
}

func (e event) Patch(ctx context.Context, collection, id string, fields map[string]any) error {
	if err := e.target(collection, id); err != nil {
		return err
	}
	k := docKey{collection, id}
	if _, err := e.read(ctx, k); err != nil && e.writes[collection][id] == nil {
		return err
	}
	if e.skip(k) {
		return nil
	}
	old, err := e.Get(ctx, collection, id)
	if err != nil {
		return err
	}
	merged, err := query.MergePatch(old, fields)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(merged)
	if err != nil {
		return err
	}
	e.put(k, &entry{raw: raw, fields: merged})
	return nil
}

func (e event) Delete(_ context.Context, collection, id string) error {
	if err := e.target(collection, id); err != nil {
		return err
	}
	k := docKey{collection, id}
	e.deleted = append(e.deleted, k)
	e.put(k, &entry{deleted: true})
	return nil
}

// put buffers a write of the event, unless the document has seen it.
func (e event) put(k docKey, w *entry) {
	if e.skip(k) {
		return
	}
	w.at = e.at
	byID := e.writes[k.collection]
	if byID == nil {
		byID = map[string]*entry{}
		e.writes[k.collection] = byID
	}
	if _, ok := byID[k.id]; !ok {
		e.order = append(e.order, k)
	}
	byID[k.id] = w
}

// target validates the collection and id of a write.
func (e event) target(collection, id string) error {
	if _, err := e.s.spec(collection); err != nil {
		return err
	}
	return query.CheckID(id)
}
