// Package query holds the read-model semantics that every adapter must share
// exactly: which collection and field names are legal, how a Query is
// validated and normalised into a Plan, how field values are typed and
// compared, and how keyset cursors are encoded.
//
// The in-memory adapter evaluates a Plan directly with Match and Compare;
// the SQLite adapter translates it into SQL whose behaviour matches them.
// Keeping the rules here, in one place, is what lets the conformance suite
// in readmodeltest hold both adapters to identical results.
package query
