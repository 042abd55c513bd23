// Package eventstoretest is the conformance suite for
// application.EventStore: every adapter runs Run or RunWith from its own
// tests, so all of them keep the one contract documented on the port.
package eventstoretest

import (
	"testing"

	"github.com/webos-engine/webos/application"
)

// Capabilities are the answers of the contract that may differ between
// stores, as Watermill's Features are for its Pub/Subs. Everything else
// the suite checks of every store: what the engine relies on (one event
// per id and per stream version, atomic appends, no position delivered
// before every one below it) is never optional. The zero value asks the
// least: positions with gaps, duplicates always refused.
type Capabilities struct {
	// GaplessPositions: the store hands out positions 1, 2, 3, ... in
	// commit order, with no gap (SQLite, memory). The suite then checks
	// the exact positions. Without it, it checks only that they are
	// strictly increasing (PostgreSQL sequences, KurrentDB's log offsets).
	GaplessPositions bool
	// IdempotentRetries: a retry of an append already stored (the same ids,
	// in order, right after the same definite expected version) succeeds,
	// writes nothing and returns the stored events, as KurrentDB answers
	// it. Without it, such a retry fails with a conflict (SQLite, memory,
	// PostgreSQL). Any other append holding a stored id is refused by
	// every store.
	IdempotentRetries bool
}

// Run checks the store contract with the zero Capabilities. open must
// return a new, empty store for each subtest; Run closes it when the
// subtest ends, so Close must tolerate being called again by the test
// itself.
func Run(t *testing.T, open func(t *testing.T) application.EventStore) {
	RunWith(t, Capabilities{}, open)
}

// RunWith checks the store contract, holding the store to the answers
// caps declares; see Run.
func RunWith(t *testing.T, caps Capabilities, open func(t *testing.T) application.EventStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, application.EventStore)
	}{
		{"AppendAndReadStream", func(t *testing.T, s application.EventStore) { testAppendAndReadStream(t, s, caps) }},
		{"EmptyStream", testEmptyStream},
		{"ExpectedVersion", testExpectedVersion},
		{"AtomicAppend", testAtomicAppend},
		{"DuplicateEventID", testDuplicateEventID},
		{"RetriedAppend", func(t *testing.T, s application.EventStore) { testRetriedAppend(t, s, caps) }},
		{"EventByID", testEventByID},
		{"InvalidInput", testInvalidInput},
		{"InvalidText", testInvalidText},
		{"CanonicalText", testCanonicalText},
		{"CancelledContext", testCancelledContext},
		{"RoundTrip", testRoundTrip},
		{"ReadAllAndHead", func(t *testing.T, s application.EventStore) { testReadAllAndHead(t, s, caps) }},
		{"SubscribeCatchUpAndLive", testSubscribeCatchUpAndLive},
		{"SubscribeManyPages", testSubscribeManyPages},
		{"CloseEndsSubscriptions", testCloseEndsSubscriptions},
		{"ConcurrentStreams", testConcurrentStreams},
		{"ConcurrentSameStream", testConcurrentSameStream},
		{"ConcurrentFailuresStayAtomic", testConcurrentFailuresStayAtomic},
		{"FilteredFeed", testFilteredFeed},
		{"FilteredFeedConcurrent", testFilteredFeedConcurrent},
		{"StoreID", func(t *testing.T, s application.EventStore) { testStoreID(t, s, open) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}
