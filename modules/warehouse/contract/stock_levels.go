package contract

import "context"

// StockLevel is an item's stock as of its latest event.
type StockLevel struct {
	SKU          string
	OnHand       int64
	Reserved     int64
	Available    int64
	Discontinued bool
	// Version is the item's stream version the level was read at.
	Version uint64
}

// StockLevels answers stock questions about items, consistently with the
// commands: it reads the item's events, not a view that may lag, so an
// Orders saga can decide whether to reserve. Look it up with
// application.Lookup[contract.StockLevels].
type StockLevels interface {
	// Level returns the item's stock; an unknown SKU is a
	// domain.KindNotFound error.
	Level(ctx context.Context, sku string) (StockLevel, error)
}
