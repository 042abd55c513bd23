package contract

// Limits of an order, also stated in the commands' JSON Schemas. With at
// most MaxLines lines of at most MaxQuantity units at most MaxUnitPrice
// each, no total can overflow an int64 (500 × 10^6 × 10^10 < 2^63).
const (
	MaxLines     = 500
	MaxQuantity  = 1_000_000
	MaxUnitPrice = 10_000_000_000
)

// PlaceOrder places a new order. Besides its schema, it is refused
// (nothing recorded, every fault pointed at) when a line names a SKU the
// Warehouse does not know or has discontinued, when two lines name the
// same SKU (merge them: stock is reserved once per SKU and order), when
// the currency is not an ISO 4217 code, or when a line states a currency
// other than the order's (the currency mismatch rule: a line's price is
// in the order's currency; a line may repeat it, never change it).
type PlaceOrder struct {
	OrderID    string `json:"orderId" jsonschema:"pattern=^[A-Za-z0-9][A-Za-z0-9._-]{0\\,63}$"`
	CustomerID string `json:"customerId" jsonschema:"minLength=1,maxLength=100"`
	Lines      []Line `json:"lines" jsonschema:"minItems=1,maxItems=500"`
	// Currency is the ISO 4217 code every price of the order is in.
	Currency string `json:"currency" jsonschema:"pattern=^[A-Z]{3}$"`
}

// Line is one line of an order: a quantity of a SKU at a unit price in
// minor units.
type Line struct {
	SKU       string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
	Quantity  int64  `json:"quantity" jsonschema:"minimum=1,maximum=1000000"`
	UnitPrice int64  `json:"unitPrice" jsonschema:"minimum=0,maximum=10000000000"`
	// Currency, when given, must be the order's: see PlaceOrder.
	Currency string `json:"currency,omitempty" jsonschema:"pattern=^[A-Z]{3}$"`
}

// CancelOrder is the customer cancelling an order, at any point before it
// is cancelled. The fulfilment process then undoes what was done: a
// confirmed order's payment is refunded and its stock released.
// Cancelling a cancelled order changes nothing.
type CancelOrder struct {
	OrderID string `json:"orderId" jsonschema:"minLength=1,maxLength=64"`
	Reason  string `json:"reason" jsonschema:"minLength=1,maxLength=200"`
}

// StartFulfilment records, for the fulfilment process, that it took the
// order up. Its compensation is MarkCancelled, which so runs after every
// other: the order is cancelled once what was done for it is undone.
// Starting again changes nothing; a cancelled order refuses.
type StartFulfilment struct {
	OrderID string `json:"orderId" jsonschema:"minLength=1,maxLength=64"`
}

// ReportFulfilmentFailure records, for the fulfilment process, why the
// order cannot be fulfilled, before what was done is undone; MarkCancelled
// without a reason then cancels with this one. The first report stands;
// reporting on a cancelled order changes nothing.
type ReportFulfilmentFailure struct {
	OrderID string `json:"orderId" jsonschema:"minLength=1,maxLength=64"`
	Reason  string `json:"reason" jsonschema:"minLength=1,maxLength=200"`
}

// MarkStockReserved records, for the fulfilment process, that stock is
// reserved for every line. Marking it again changes nothing.
type MarkStockReserved struct {
	OrderID string `json:"orderId" jsonschema:"minLength=1,maxLength=64"`
}

// MarkPaymentAuthorised records, for the fulfilment process, that the
// payment was authorised; the order's stock must be reserved. Marking it
// again with the same payment changes nothing.
type MarkPaymentAuthorised struct {
	OrderID   string `json:"orderId" jsonschema:"minLength=1,maxLength=64"`
	PaymentID string `json:"paymentId" jsonschema:"minLength=1,maxLength=100"`
}

// ConfirmOrder confirms an order whose payment is authorised: the end of
// a successful fulfilment. Confirming again changes nothing.
type ConfirmOrder struct {
	OrderID string `json:"orderId" jsonschema:"minLength=1,maxLength=64"`
}

// MarkCancelled records, for the fulfilment process, that the order could
// not be fulfilled and what was done is undone: stock that could not be
// reserved, a declined payment, no answer from the payment gateway.
// Without a reason, the reported failure's reason is given. A confirmed
// order cannot be marked so (the customer cancels it); marking a
// cancelled order changes nothing.
type MarkCancelled struct {
	OrderID string `json:"orderId" jsonschema:"minLength=1,maxLength=64"`
	Reason  string `json:"reason,omitempty" jsonschema:"maxLength=200"`
}
