package orders

import "github.com/webos-engine/webos/application"

// listCollection backs the orders.list view: one row per order.
var listCollection = application.CollectionSpec{
	Name: "orders_list",
	Fields: []application.FieldSpec{
		{Name: "orderId", Type: application.String}, {Name: "customerId", Type: application.String},
		{Name: "state", Type: application.String}, {Name: "currency", Type: application.String},
		{Name: "total", Type: application.Number}, {Name: "lineCount", Type: application.Number},
		{Name: "placedAt", Type: application.String}, {Name: "updatedAt", Type: application.String},
	},
	Indexes: [][]string{{"placedAt"}, {"state", "placedAt"}, {"customerId", "placedAt"}, {"orderId"}},
}

// detailCollection backs the orders.detail view: one document per order
// with its lines and timeline; filter it by orderId.
var detailCollection = application.CollectionSpec{
	Name: "orders_detail",
	Fields: []application.FieldSpec{
		{Name: "orderId", Type: application.String}, {Name: "customerId", Type: application.String},
		{Name: "state", Type: application.String},
	},
	Indexes: [][]string{{"orderId"}, {"customerId"}},
}

// ListRow is a document of the orders.list view.
type ListRow struct {
	OrderID    string `json:"orderId"`
	CustomerID string `json:"customerId"`
	State      string `json:"state"`
	Currency   string `json:"currency"`
	// Total is in minor units of Currency.
	Total     int64  `json:"total"`
	LineCount int    `json:"lineCount"`
	Reason    string `json:"reason,omitempty"`
	PlacedAt  string `json:"placedAt"`
	UpdatedAt string `json:"updatedAt"`
	// Version is the order's stream version, for If-Match.
	Version uint64 `json:"version"`
}

// Detail is a document of the orders.detail view.
type Detail struct {
	ListRow
	Lines     []DetailLine `json:"lines"`
	PaymentID string       `json:"paymentId,omitempty"`
	// CancelledBy is contract.ByCustomer or contract.ByFulfilment.
	CancelledBy string `json:"cancelledBy,omitempty"`
	// Timeline is what happened to the order, oldest first: its own
	// events, the fulfilment's milestones among them (started, failed and
	// why, cancelled).
	Timeline []TimelineEntry `json:"timeline"`
	// Fulfilment is the id of the order's OrderFulfilment instance: its
	// document in the view sagas.instances has the process's own
	// timeline, every command it sent and every reply and timer, with
	// times.
	Fulfilment string `json:"fulfilment"`
	// Position is the global position of the last event applied, so an
	// event delivered again is not applied twice.
	Position uint64 `json:"position"`
}

// DetailLine is one line of an order with its total, in minor units.
type DetailLine struct {
	SKU       string `json:"sku"`
	Quantity  int64  `json:"quantity"`
	UnitPrice int64  `json:"unitPrice"`
	Total     int64  `json:"total"`
}

// TimelineEntry is one step in an order's story.
type TimelineEntry struct {
	At       string `json:"at"`
	Position uint64 `json:"position"`
	// Source is "order": the entry is one of the order's events.
	Source string `json:"source"`
	// Step names what happened: "placed", "stockReserved", ...
	Step   string `json:"step"`
	Detail string `json:"detail,omitempty"`
	Actor  string `json:"actor,omitempty"`
}
