package application

import (
	"context"
	"encoding/json"
)

// LoadDoc reads the document under id into a D, for a projection handler
// that updates it: a document not written yet is the zero D, not an error
// (an unknown collection still is).
func LoadDoc[D any](ctx context.Context, r ReadModelReader, collection, id string) (D, error) {
	var d D
	raw, err := r.Get(ctx, collection, id)
	switch {
	case hasCode(err, "not_found"):
		return d, nil
	case err != nil:
		return d, err
	}
	err = json.Unmarshal(raw, &d)
	return d, err
}
