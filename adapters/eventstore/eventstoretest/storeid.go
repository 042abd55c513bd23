package eventstoretest

import (
	"context"
	"testing"

	"github.com/webos-engine/webos/application"
)

// storeID reads s's identity and fails the test unless there is one.
func storeID(t *testing.T, s application.EventStore) string {
	t.Helper()
	id, err := s.StoreID(context.Background())
	if err != nil || id == "" {
		t.Fatalf("StoreID = %q, %v; want a non-empty id", id, err)
	}
	return id
}

// testStoreID checks that a store keeps one identity while it is written
// to, and that two stores never share one.
func testStoreID(t *testing.T, s application.EventStore, open func(t *testing.T) application.EventStore) {
	id := storeID(t, s)
	mustAppend(t, s, "id-stream", -1, 3)
	if again := storeID(t, s); again != id {
		t.Fatalf("StoreID changed from %q to %q", id, again)
	}
	other := open(t)
	t.Cleanup(func() { _ = other.Close() })
	if storeID(t, other) == id {
		t.Fatalf("two stores share the id %q", id)
	}
}

// RunDurable checks what only a store that outlives its process can
// promise: its identity survives a reopen. open must open (creating it the
// first time) the store called name; different names are different stores.
func RunDurable(t *testing.T, open func(t *testing.T, name string) application.EventStore) {
	t.Run("StoreIDSurvivesReopen", func(t *testing.T) {
		first := open(t, "a")
		id := storeID(t, first)
		mustAppend(t, first, "s", -1, 2)
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}
		again := open(t, "a")
		defer func() { _ = again.Close() }()
		if got := storeID(t, again); got != id {
			t.Fatalf("after reopen StoreID = %q, want %q", got, id)
		}
		other := open(t, "b")
		defer func() { _ = other.Close() }()
		if storeID(t, other) == id {
			t.Fatalf("stores a and b share the id %q", id)
		}
	})
}
