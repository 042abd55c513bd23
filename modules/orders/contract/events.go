package contract

// OrderPlaced records a new order. Its lines carry no currency of their
// own: every price is in Currency. Total is the sum of the lines.
type OrderPlaced struct {
	OrderID    string `json:"orderId"`
	CustomerID string `json:"customerId"`
	Lines      []Line `json:"lines"`
	Currency   string `json:"currency"`
	Total      int64  `json:"total"`
}

// OrderFulfilmentStarted records that the fulfilment process took the
// order up.
type OrderFulfilmentStarted struct {
	OrderID string `json:"orderId"`
}

// OrderFulfilmentFailed records why the order cannot be fulfilled; it is
// cancelled once what was done for it is undone.
type OrderFulfilmentFailed struct {
	OrderID string `json:"orderId"`
	Reason  string `json:"reason"`
}

// OrderStockReserved records that stock is held for every line.
type OrderStockReserved struct {
	OrderID string `json:"orderId"`
}

// OrderPaymentAuthorised records that the order's payment was authorised.
type OrderPaymentAuthorised struct {
	OrderID   string `json:"orderId"`
	PaymentID string `json:"paymentId"`
}

// OrderConfirmed records that the order was fulfilled: stock reserved and
// payment authorised.
type OrderConfirmed struct {
	OrderID string `json:"orderId"`
}

// OrderCancelled records that the order was cancelled, why, and by whom.
// When the customer cancelled, the fulfilment process undoes what was
// done after this event; when the process cancelled, it had undone it
// before.
type OrderCancelled struct {
	OrderID string `json:"orderId"`
	Reason  string `json:"reason"`
	// By is ByCustomer or ByFulfilment.
	By string `json:"by" jsonschema:"enum=customer,enum=fulfilment"`
	// Was is the state the order was in when it was cancelled.
	Was string `json:"was"`
}

// Who cancelled an order (OrderCancelled.By).
const (
	ByCustomer   = "customer"
	ByFulfilment = "fulfilment"
)

// Order states, as the views and OrderCancelled.Was show them.
const (
	StatePlaced            = "placed"
	StateStockReserved     = "stockReserved"
	StatePaymentAuthorised = "paymentAuthorised"
	StateConfirmed         = "confirmed"
	StateCancelled         = "cancelled"
)

// EventType names OrderPlaced.
func (OrderPlaced) EventType() string { return "orders.OrderPlaced" }

// EventType names OrderFulfilmentStarted.
func (OrderFulfilmentStarted) EventType() string { return "orders.OrderFulfilmentStarted" }

// EventType names OrderFulfilmentFailed.
func (OrderFulfilmentFailed) EventType() string { return "orders.OrderFulfilmentFailed" }

// EventType names OrderStockReserved.
func (OrderStockReserved) EventType() string { return "orders.OrderStockReserved" }

// EventType names OrderPaymentAuthorised.
func (OrderPaymentAuthorised) EventType() string { return "orders.OrderPaymentAuthorised" }

// EventType names OrderConfirmed.
func (OrderConfirmed) EventType() string { return "orders.OrderConfirmed" }

// EventType names OrderCancelled.
func (OrderCancelled) EventType() string { return "orders.OrderCancelled" }

// Order names the order the event concerns.
func (e OrderPlaced) Order() string { return e.OrderID }

// Order names the order the event concerns.
func (e OrderFulfilmentStarted) Order() string { return e.OrderID }

// Order names the order the event concerns.
func (e OrderFulfilmentFailed) Order() string { return e.OrderID }

// Order names the order the event concerns.
func (e OrderStockReserved) Order() string { return e.OrderID }

// Order names the order the event concerns.
func (e OrderPaymentAuthorised) Order() string { return e.OrderID }

// Order names the order the event concerns.
func (e OrderConfirmed) Order() string { return e.OrderID }

// Order names the order the event concerns.
func (e OrderCancelled) Order() string { return e.OrderID }
