package contract

// ItemRegistered records that a new SKU entered the catalogue.
type ItemRegistered struct {
	SKU               string `json:"sku"`
	Name              string `json:"name"`
	Unit              string `json:"unit"`
	LowStockThreshold int64  `json:"lowStockThreshold"`
}

// StockReceived records that goods went on hand. Its schema version is 2:
// version 1 had no Source, because every receipt was a delivery.
type StockReceived struct {
	SKU       string `json:"sku"`
	Quantity  int64  `json:"quantity"`
	Reference string `json:"reference,omitempty"`
	Source    string `json:"source" jsonschema:"enum=delivery,enum=return"`
}

// Sources of StockReceived.
const (
	// SourceDelivery is goods delivered by a supplier.
	SourceDelivery = "delivery"
	// SourceReturn is goods a customer sent back.
	SourceReturn = "return"
)

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

// ItemSKU names the item the event concerns.
func (e ItemRegistered) ItemSKU() string { return e.SKU }

// ItemSKU names the item the event concerns.
func (e StockReceived) ItemSKU() string { return e.SKU }

// ItemSKU names the item the event concerns.
func (e StockAdjusted) ItemSKU() string { return e.SKU }

// ItemSKU names the item the event concerns.
func (e StockReserved) ItemSKU() string { return e.SKU }

// ItemSKU names the item the event concerns.
func (e ReservationReleased) ItemSKU() string { return e.SKU }

// ItemSKU names the item the event concerns.
func (e ItemDiscontinued) ItemSKU() string { return e.SKU }

// UnitCostSet records an item's unit cost, in minor units of Currency.
type UnitCostSet struct {
	SKU      string `json:"sku"`
	UnitCost int64  `json:"unitCost"`
	Currency string `json:"currency"`
}

// EventType names UnitCostSet.
func (UnitCostSet) EventType() string { return "warehouse.UnitCostSet" }

// ItemSKU names the item the event concerns.
func (e UnitCostSet) ItemSKU() string { return e.SKU }
