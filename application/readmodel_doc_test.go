package application_test

import (
	"context"
	"testing"

	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
)

func TestLoadDoc(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := rmmemory.New()
	if err := store.Declare(ctx, application.CollectionSpec{Name: "things"}); err != nil {
		t.Fatal(err)
	}
	type thing struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	err := store.Apply(ctx, "p", application.Checkpoint{StoreID: "s", Position: 1}, func(tx application.ReadModelTx) error {
		missing, err := application.LoadDoc[thing](ctx, tx, "things", "t1")
		if err != nil || missing != (thing{}) {
			t.Fatalf("a missing document: %+v %v, want the zero value", missing, err)
		}
		return tx.Upsert(ctx, "things", "t1", thing{Name: "bolt", Count: 3})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := application.LoadDoc[thing](ctx, store, "things", "t1")
	if err != nil || got != (thing{Name: "bolt", Count: 3}) {
		t.Fatalf("stored document: %+v %v", got, err)
	}
	if _, err := application.LoadDoc[thing](ctx, store, "nope", "t1"); err == nil {
		t.Fatal("an undeclared collection read without error")
	}
}
