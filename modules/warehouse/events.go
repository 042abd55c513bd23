package warehouse

// ItemRegistered records that a new SKU entered the catalogue.
type ItemRegistered struct {
	SKU               string `json:"sku"`
	Name              string `json:"name"`
	Unit              string `json:"unit"`
	LowStockThreshold int64  `json:"lowStockThreshold"`
}

// StockReceived records that goods arrived and went on hand.
type StockReceived struct {
	SKU       string `json:"sku"`
	Quantity  int64  `json:"quantity"`
	Reference string `json:"reference,omitempty"`
}

// StockAdjusted records a count correction, positive or negative.
type StockAdjusted struct {
	SKU    string `json:"sku"`
	Delta  int64  `json:"delta"`
	Reason string `json:"reason"`
}

// StockReserved records that quantity was set aside for an order.
type StockReserved struct {
	SKU      string `json:"sku"`
	Quantity int64  `json:"quantity"`
	OrderID  string `json:"orderId"`
}

// ReservationReleased records that an order's reservation was given back.
type ReservationReleased struct {
	SKU      string `json:"sku"`
	Quantity int64  `json:"quantity"`
	OrderID  string `json:"orderId"`
}

// ItemDiscontinued records that the SKU is no longer stocked; only releases remain.
type ItemDiscontinued struct {
	SKU string `json:"sku"`
}

// EventType names ItemRegistered.
func (ItemRegistered) EventType() string { return "warehouse.ItemRegistered" }

// EventType names StockReceived.
func (StockReceived) EventType() string { return "warehouse.StockReceived" }

// EventType names StockAdjusted.
func (StockAdjusted) EventType() string { return "warehouse.StockAdjusted" }

// EventType names StockReserved.
func (StockReserved) EventType() string { return "warehouse.StockReserved" }

// EventType names ReservationReleased.
func (ReservationReleased) EventType() string { return "warehouse.ReservationReleased" }

// EventType names ItemDiscontinued.
func (ItemDiscontinued) EventType() string { return "warehouse.ItemDiscontinued" }

func (e StockReceived) sku() string       { return e.SKU }
func (e StockAdjusted) sku() string       { return e.SKU }
func (e StockReserved) sku() string       { return e.SKU }
func (e ReservationReleased) sku() string { return e.SKU }
func (e ItemDiscontinued) sku() string    { return e.SKU }
