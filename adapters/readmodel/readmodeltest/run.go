// Package readmodeltest is the conformance suite for
// application.ReadModelStore: every adapter runs Run from its own tests, so
// all of them keep the contract documented on the port and return
// identical results for identical queries.
package readmodeltest

import (
	"testing"

	"github.com/webos-engine/webos/application"
)

// Capabilities says what an adapter's backend offers where backends really
// differ, as Watermill's Features do. The guarantees the engine relies on
// (an Apply is all or nothing, documents and checkpoint agree after a
// crash) are checked whatever it says; only how they are kept differs.
type Capabilities struct {
	// Transactions: an Apply commits its documents and checkpoint in one
	// transaction. Without them the store records on every document the
	// position of the last event applied to it and skips writes of events
	// a document has seen, which the suite then checks (Reapply).
	Transactions bool
}

// Run checks the store contract. open must return a new, empty store for
// each subtest; Run closes it when the subtest ends, so Close must tolerate
// being called again by the test itself.
func Run(t *testing.T, caps Capabilities, open func(t *testing.T) application.ReadModelStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, application.ReadModelStore)
	}{
		{"CRUD", testCRUD},
		{"InvalidWrites", testInvalidWrites},
		{"Patch", testPatch},
		{"DeclareTwice", testDeclareTwice},
		{"InvalidDeclare", testInvalidDeclare},
		{"Filters", testFilters},
		{"PrefixBoundaries", testPrefixBoundaries},
		{"InvalidQueries", testInvalidQueries},
		{"Count", testCount},
		{"Sort", testSort},
		{"Paging", testPaging},
		{"PagingUnderWrites", testPagingUnderWrites},
		{"ExactNumbers", testExactNumbers},
		{"OverflowingNumbers", testOverflowingNumbers},
		{"PagingTies", testPagingTies},
		{"Limits", testLimits},
		{"Rewrite", testRewrite},
		{"MalformedCursor", testMalformedCursor},
		{"ApplyAtomic", testApplyAtomic},
		{"ApplyReadsOwnWrites", testApplyReadsOwnWrites},
		{"Checkpoint", testCheckpoint},
		{"EventTx", testEventTx},
		{"Reset", testReset},
		{"Versions", testVersions},
		{"ConcurrentReaders", func(t *testing.T, s application.ReadModelStore) {
			testConcurrentReaders(t, s, caps.Transactions)
		}},
	}
	if !caps.Transactions {
		tests = append(tests, []struct {
			name string
			fn   func(*testing.T, application.ReadModelStore)
		}{{"Reapply", testReapply}, {"ReapplyDeleted", testReapplyDeleted}}...)
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
