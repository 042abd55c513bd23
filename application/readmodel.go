package application

import (
	"context"
	"encoding/json"
)

// FieldType is the JSON type of a declared read-model field.
type FieldType string

// Field types. Time values are stored as RFC 3339 strings and compare as
// strings, so keep them in UTC with a fixed layout.
const (
	String FieldType = "string"
	Number FieldType = "number"
	Bool   FieldType = "bool"
)

// FieldSpec declares one top-level field of a collection's documents that
// can be filtered and sorted on.
type FieldSpec struct {
	Name string    `json:"name"`
	Type FieldType `json:"type"`
}

// CollectionSpec declares a collection: its queryable fields and the
// indexes to build (each a list of field names, compound in order; a
// leading '-' makes a column descending). An index serves a sort whose
// keys match its leading columns in its directions or all reversed, so a
// mixed sort such as "group,-score" needs the index {"group", "-score"}.
type CollectionSpec struct {
	Name    string      `json:"name"`
	Fields  []FieldSpec `json:"fields"`
	Indexes [][]string  `json:"indexes,omitempty"`
}

// Field returns the declared field called name.
func (c CollectionSpec) Field(name string) (FieldSpec, bool) {
	for _, f := range c.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return FieldSpec{}, false
}

// Op is a filter operator.
type Op string

// Filter operators. In takes Values; the others take Value.
const (
	Eq     Op = "eq"
	In     Op = "in"
	Gt     Op = "gt"
	Gte    Op = "gte"
	Lt     Op = "lt"
	Lte    Op = "lte"
	Prefix Op = "prefix"
)

// Filter restricts a query to documents whose declared Field compares to
// Value (or one of Values, for In). Values have the field's Go type:
// string, float64 (or any integer type) or bool. Prefix applies to strings.
type Filter struct {
	Field  string
	Op     Op
	Value  any
	Values []any
}

// SortKey orders by a declared field. Ties are broken by document id in
// the direction of the last key (ascending without keys), so the order is
// total, paging is stable, and one index serves a sort both ways.
type SortKey struct {
	Field string
	Desc  bool
}

// Query selects documents of one collection. Limit <= 0 means 50. Cursor is
// the Next of the previous page: keyset paging, stable under inserts.
type Query struct {
	Filters []Filter
	Sort    []SortKey
	Limit   int
	Cursor  string
}

// Page is one page of a query; Next is "" on the last page.
type Page struct {
	Items []json.RawMessage
	Next  string
}

// ReadModelReader reads documents. A document is a JSON object; the store
// adds nothing to it (the id is the key it was written under).
type ReadModelReader interface {
	// Get returns the document, or a domain.KindNotFound error.
	Get(ctx context.Context, collection, id string) (json.RawMessage, error)
	// Find runs q; filters and sort keys must name declared fields and
	// known operators, or it fails with a domain.KindInvalid error.
	Find(ctx context.Context, collection string, q Query) (Page, error)
	// Count counts the documents matching filters.
	Count(ctx context.Context, collection string, filters []Filter) (int64, error)
}

// ReadModelTx is one atomic batch of writes by one projection. Reads in a
// batch see the batch's own earlier writes. A document or patch holding a
// number no float64 can hold (1e400, or a Go infinity or NaN) is refused
// with a domain.KindInvalid error, pointing at the number, and nothing of
// that write is stored.
type ReadModelTx interface {
	ReadModelReader
	// Upsert stores doc (a JSON object) under id, replacing any document.
	Upsert(ctx context.Context, collection, id string, doc any) error
	// Patch merges fields into the document under id (RFC 7396 merge
	// patch: null deletes a field); a missing document is a
	// domain.KindNotFound error.
	Patch(ctx context.Context, collection, id string, fields map[string]any) error
	// Delete removes the document under id; a missing one is not an error.
	Delete(ctx context.Context, collection, id string) error
}

// EventTx is implemented by every ReadModelTx an Apply hands its fn (the
// conformance suite checks it). The projection runtime uses it to tell the
// store which event causes each write, which is what keeps a store without
// transactions exact after a crash (see ReadModelStore).
type EventTx interface {
	// At returns the batch as seen by the event at position: its writes
	// record position as the last event applied to the document, and a
	// write to a document that has already seen position (it records
	// position or a later one) is skipped and returns nil. A store with
	// transactions may return the batch itself and record nothing.
	At(position uint64) ReadModelTx
	// Seen returns the position of the last event the projection applied
	// to the document as stored when the batch began (a deleted document
	// keeps it until the checkpoint passes it), 0 if there is none or the
	// store records no positions.
	Seen(ctx context.Context, collection, id string) (uint64, error)
}

// ReadModelStore holds the read models that projections write and views
// read, together with each projection's checkpoint.
//
// Contract, checked by adapters/readmodel/readmodeltest for every adapter:
// the documents written by an Apply and the checkpoint it sets become
// visible together or not at all, so a crash can never leave a
// projection's documents and checkpoint out of step. A store with
// transactions writes both in one. A store without them writes the
// documents first and the checkpoint last, and every document records the
// position of the last event applied to it (EventTx): after a crash
// between the two, the projection applies the batch again from the older
// checkpoint, and each write of an event a document has already seen is
// skipped, so a read-modify-write handler (onHand += q) never counts an
// event twice and the documents end as an uninterrupted run leaves them.
type ReadModelStore interface {
	ReadModelReader
	// Declare creates the collection and its indexes if missing. Declaring
	// again with more fields or indexes adds them.
	Declare(ctx context.Context, spec CollectionSpec) error
	// Apply runs fn in one atomic batch and stores at (store id, position
	// and hash of the batch's last event) as the checkpoint of projection
	// in the same batch. If fn fails nothing is written.
	Apply(ctx context.Context, projection string, at Checkpoint, fn func(ReadModelTx) error) error
	// Checkpoint returns the checkpoint last stored for projection, the
	// zero Checkpoint if none.
	Checkpoint(ctx context.Context, projection string) (Checkpoint, error)
	// Reset deletes every document of collections and the checkpoint of
	// projection, atomically, so the projection rebuilds from the start.
	Reset(ctx context.Context, projection string, collections []string) error
	// Drop removes the named collections altogether: their documents,
	// indexes and declarations. A dropped collection is unknown until it
	// is declared again, and then empty; an undeclared one is no error.
	// It is how a projection's old version is removed once a new one
	// serves its views (VersionedName); nothing may read or write the
	// collections meanwhile.
	Drop(ctx context.Context, collections []string) error
	// Close releases the store's resources.
	Close() error
}
