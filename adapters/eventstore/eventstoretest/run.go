// Package eventstoretest is the conformance suite for
// application.EventStore: every adapter runs Run from its own tests, so all
// of them keep the one contract documented on the port.
package eventstoretest

import (
	"testing"

	"github.com/webos-engine/webos/application"
)

// Run checks the store contract. open must return a new, empty store for
// each subtest; Run closes it when the subtest ends, so Close must tolerate
// being called again by the test itself.
func Run(t *testing.T, open func(t *testing.T) application.EventStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, application.EventStore)
	}{
		{"AppendAndReadStream", testAppendAndReadStream},
		{"EmptyStream", testEmptyStream},
		{"ExpectedVersion", testExpectedVersion},
		{"AtomicAppend", testAtomicAppend},
		{"DuplicateEventID", testDuplicateEventID},
		{"EventByID", testEventByID},
		{"InvalidInput", testInvalidInput},
		{"InvalidText", testInvalidText},
		{"CanonicalText", testCanonicalText},
		{"CancelledContext", testCancelledContext},
		{"RoundTrip", testRoundTrip},
		{"ReadAllAndHead", testReadAllAndHead},
		{"SubscribeCatchUpAndLive", testSubscribeCatchUpAndLive},
		{"SubscribeManyPages", testSubscribeManyPages},
		{"CloseEndsSubscriptions", testCloseEndsSubscriptions},
		{"ConcurrentStreams", testConcurrentStreams},
		{"ConcurrentSameStream", testConcurrentSameStream},
		{"ConcurrentFailuresStayAtomic", testConcurrentFailuresStayAtomic},
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
