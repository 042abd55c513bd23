package contract

// PaymentRequested records a payment asked of the gateway; until its
// answer is recorded the payment is pending.
type PaymentRequested struct {
	PaymentID string `json:"paymentId"`
	OrderID   string `json:"orderId"`
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
}

// PaymentAuthorised records that the gateway holds the amount.
type PaymentAuthorised struct {
	PaymentID string `json:"paymentId"`
	OrderID   string `json:"orderId"`
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	// Authorisation is the gateway's reference for the hold.
	Authorisation string `json:"authorisation"`
}

// PaymentDeclined records that the gateway refused the payment.
type PaymentDeclined struct {
	PaymentID string `json:"paymentId"`
	OrderID   string `json:"orderId"`
	Reason    string `json:"reason"`
}

// PaymentCaptured records that the authorised amount was taken.
type PaymentCaptured struct {
	PaymentID string `json:"paymentId"`
	OrderID   string `json:"orderId"`
	Amount    int64  `json:"amount"`
}

// PaymentRefunded records that the payment gave back what it held or
// took: Amount, which is 0 when a pending payment was voided before the
// gateway charged anything.
type PaymentRefunded struct {
	PaymentID string `json:"paymentId"`
	OrderID   string `json:"orderId"`
	Amount    int64  `json:"amount"`
	Reason    string `json:"reason"`
}

// Payment states, as the payments.list view shows them.
const (
	StatePending    = "pending"
	StateAuthorised = "authorised"
	StateDeclined   = "declined"
	StateCaptured   = "captured"
	StateRefunded   = "refunded"
)

// EventType names PaymentRequested.
func (PaymentRequested) EventType() string { return "payments.PaymentRequested" }

// EventType names PaymentAuthorised.
func (PaymentAuthorised) EventType() string { return "payments.PaymentAuthorised" }

// EventType names PaymentDeclined.
func (PaymentDeclined) EventType() string { return "payments.PaymentDeclined" }

// EventType names PaymentCaptured.
func (PaymentCaptured) EventType() string { return "payments.PaymentCaptured" }

// EventType names PaymentRefunded.
func (PaymentRefunded) EventType() string { return "payments.PaymentRefunded" }

// Payment names the payment the event concerns.
func (e PaymentRequested) Payment() string { return e.PaymentID }

// Payment names the payment the event concerns.
func (e PaymentAuthorised) Payment() string { return e.PaymentID }

// Payment names the payment the event concerns.
func (e PaymentDeclined) Payment() string { return e.PaymentID }

// Payment names the payment the event concerns.
func (e PaymentCaptured) Payment() string { return e.PaymentID }

// Payment names the payment the event concerns.
func (e PaymentRefunded) Payment() string { return e.PaymentID }
