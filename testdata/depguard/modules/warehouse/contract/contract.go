// Package contract stands in for a module's public contract.
package contract

// Stock is a published event.
type Stock struct{}
