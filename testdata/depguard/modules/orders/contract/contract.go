// Package contract stands in for the orders module's public contract.
package contract

// Placed is a published event.
type Placed struct{}
