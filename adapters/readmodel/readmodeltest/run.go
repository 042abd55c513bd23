// Package readmodeltest is the conformance suite for
// application.ReadModelStore: every adapter runs Run from its own tests, so
// all of them keep the contract documented on the port and return
// identical results for identical queries.
package readmodeltest

import (
	"testing"

	"github.com/webos-engine/webos/application"
)

// Run checks the store contract. open must return a new, empty store for
// each subtest; Run closes it when the subtest ends, so Close must tolerate
// being called again by the test itself.
func Run(t *testing.T, open func(t *testing.T) application.ReadModelStore) {
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
		{"MalformedCursor", testMalformedCursor},
		{"ApplyAtomic", testApplyAtomic},
		{"ApplyReadsOwnWrites", testApplyReadsOwnWrites},
		{"Checkpoint", testCheckpoint},
		{"Reset", testReset},
		{"ConcurrentReaders", testConcurrentReaders},
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
