package projections

import (
	"context"
	"encoding/json"

	"github.com/webos-engine/webos/application"
)

// renamed is a projection's batch as its version sees it: the handlers
// name their collections as declared, and each write and read goes to the
// version's own collection (application.VersionedName); a collection of
// another projection is read from the version serving it.
type renamed struct {
	tx   application.ReadModelTx
	name func(string) string
}

// rename returns tx as projection version v sees it, tx itself for
// version 1.
func (r *runner) rename(tx application.ReadModelTx) application.ReadModelTx {
	if r.dep.Version <= 1 {
		return tx
	}
	own := map[string]string{}
	for _, c := range r.dep.Collections {
		own[c] = application.VersionedName(c, r.dep.Version)
	}
	return renamed{tx: tx, name: func(c string) string {
		if p, ok := own[c]; ok {
			return p
		}
		return r.rt.serving.Resolve(c)
	}}
}

func (t renamed) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	return t.tx.Get(ctx, t.name(collection), id)
}

func (t renamed) Find(ctx context.Context, collection string, q application.Query) (application.Page, error) {
	return t.tx.Find(ctx, t.name(collection), q)
}

func (t renamed) Count(ctx context.Context, collection string, filters []application.Filter) (int64, error) {
	return t.tx.Count(ctx, t.name(collection), filters)
}

func (t renamed) Upsert(ctx context.Context, collection, id string, doc any) error {
	return t.tx.Upsert(ctx, t.name(collection), id, doc)
}

func (t renamed) Patch(ctx context.Context, collection, id string, fields map[string]any) error {
	return t.tx.Patch(ctx, t.name(collection), id, fields)
}

func (t renamed) Delete(ctx context.Context, collection, id string) error {
	return t.tx.Delete(ctx, t.name(collection), id)
}

// At is the batch as seen by the event at position, renamed alike; the
// batch itself if the store records no positions.
func (t renamed) At(position uint64) application.ReadModelTx {
	if ev, ok := t.tx.(application.EventTx); ok {
		return renamed{tx: ev.At(position), name: t.name}
	}
	return t
}

// Seen is the store's Seen on the version's collection.
func (t renamed) Seen(ctx context.Context, collection, id string) (uint64, error) {
	if ev, ok := t.tx.(application.EventTx); ok {
		return ev.Seen(ctx, t.name(collection), id)
	}
	return 0, nil
}
