package domain_test

import (
	"testing"

	"github.com/webos-engine/webos/domain"
)

type listedItems struct {
	Items []int `json:"items"`
}

func (listedItems) EventType() string { return "test.Listed" }

type bumpedItem struct {
	At int `json:"at"`
}

func (bumpedItem) EventType() string { return "test.Bumped" }

// sharing keeps the slice of the last listed event and edits it in
// place on bumped: legal for an Apply.
type sharing struct {
	domain.Base
	items []int
}

func (a *sharing) Apply(e domain.Event) {
	switch e := e.(type) {
	case listedItems:
		a.items = e.Items
	case bumpedItem:
		a.items[e.At]++
	}
}

// One decision raising listed [0 0] then bumped at 0 stores listed as
// it was raised, so the stream replays to the state the decision left.
func TestRaiseStoresEachEventAsRaised(t *testing.T) {
	t.Parallel()
	reg := domain.NewEventRegistry()
	if err := domain.RegisterEvent[listedItems](reg, 1); err != nil {
		t.Fatal(err)
	}
	if err := domain.RegisterEvent[bumpedItem](reg, 1); err != nil {
		t.Fatal(err)
	}
	a := &sharing{Base: domain.NewBase("test-1")}
	domain.Raise(a, listedItems{Items: []int{0, 0}})
	domain.Raise(a, bumpedItem{At: 0})
	pending, data := a.Pending(), a.PendingData()
	_, _, got, err := reg.EncodeRaised(pending[0], data[0])
	if err != nil || string(got) != `{"items":[0,0]}` {
		t.Fatalf("listed stores %s (%v), want {\"items\":[0,0]}", got, err)
	}
	if a.items[0] != 1 {
		t.Fatalf("state %v, want [1 0]", a.items)
	}
	a.Committed(2)
	if len(a.Pending()) != 0 || len(a.PendingData()) != 0 {
		t.Fatal("Committed left pending events or their data")
	}
}
