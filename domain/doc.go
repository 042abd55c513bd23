// Package domain holds the event-sourcing primitives every other layer builds
// on: the event envelope and its hash chain, the aggregate root, the event
// type registry and the typed domain errors. It imports the standard library
// only.
package domain
