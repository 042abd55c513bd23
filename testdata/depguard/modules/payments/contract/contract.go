// Package contract stands in for the payments module's public contract.
package contract

// Authorised is a published event.
type Authorised struct{}
