package contract

// RegisterItem adds a new SKU to the catalogue. Registering a SKU that
// exists is a conflict, decided by the event store so racing requests
// cannot both succeed.
type RegisterItem struct {
	SKU               string `json:"sku" jsonschema:"pattern=^[A-Za-z0-9][A-Za-z0-9._-]{0\\,63}$"`
	Name              string `json:"name" jsonschema:"minLength=1,maxLength=200"`
	Unit              string `json:"unit" jsonschema:"minLength=1,maxLength=32"`
	LowStockThreshold int64  `json:"lowStockThreshold" jsonschema:"minimum=0,maximum=1000000000"`
}

// ReceiveStock puts goods on hand: a delivery, or a customer's return.
type ReceiveStock struct {
	SKU       string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
	Quantity  int64  `json:"quantity" jsonschema:"minimum=1,maximum=1000000000"`
	Reference string `json:"reference,omitempty" jsonschema:"maxLength=200"`
	// Source is SourceDelivery (the default) or SourceReturn.
	Source string `json:"source,omitempty" jsonschema:"enum=delivery,enum=return"`
}

// AdjustStock corrects stock on hand after a count, by a non-zero delta.
type AdjustStock struct {
	SKU    string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
	Delta  int64  `json:"delta" jsonschema:"minimum=-1000000000,maximum=1000000000"`
	Reason string `json:"reason" jsonschema:"minLength=1,maxLength=200"`
}

// ReserveStock sets stock aside for an order. Sending the same reservation
// again changes nothing, so an at-least-once sender (a saga) is safe.
type ReserveStock struct {
	SKU      string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
	Quantity int64  `json:"quantity" jsonschema:"minimum=1,maximum=1000000000"`
	OrderID  string `json:"orderId" jsonschema:"minLength=1,maxLength=100"`
}

// ReleaseReservation gives an order's reservation back. Releasing one that
// is not held changes nothing, so compensations can be retried.
type ReleaseReservation struct {
	SKU     string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
	OrderID string `json:"orderId" jsonschema:"minLength=1,maxLength=100"`
}

// DiscontinueItem stops stocking a SKU. Afterwards only reservations can
// be released; discontinuing again changes nothing.
type DiscontinueItem struct {
	SKU string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
}

// SetUnitCost sets what one unit of an item is worth, in minor units of
// currency (cents for EUR): the stock valuation multiplies it by the
// stock on hand.
type SetUnitCost struct {
	SKU      string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
	UnitCost int64  `json:"unitCost" jsonschema:"minimum=0,maximum=1000000000000"`
	Currency string `json:"currency" jsonschema:"pattern=^[A-Z]{3}$"`
}
