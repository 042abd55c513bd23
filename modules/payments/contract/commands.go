package contract

// AuthorisePayment asks the payment gateway to hold Amount for an order.
// It records the payment and the gateway's answer: PaymentAuthorised or
// PaymentDeclined. When the gateway does not answer in time the payment
// stays pending (only PaymentRequested) and the command still succeeds:
// send it again, with the same payment, to ask again. The gateway sees one
// idempotency key per payment, so asking again never charges twice.
// Sending it for an existing payment with other details is a conflict.
type AuthorisePayment struct {
	PaymentID string `json:"paymentId" jsonschema:"pattern=^[A-Za-z0-9][A-Za-z0-9._-]{0\\,99}$"`
	OrderID   string `json:"orderId" jsonschema:"minLength=1,maxLength=100"`
	Amount    int64  `json:"amount" jsonschema:"minimum=1,maximum=5000000000000000000"`
	Currency  string `json:"currency" jsonschema:"pattern=^[A-Z]{3}$"`
}

// CapturePayment takes the authorised amount. Capturing again changes
// nothing; a payment not authorised cannot be captured.
type CapturePayment struct {
	PaymentID string `json:"paymentId" jsonschema:"minLength=1,maxLength=100"`
}

// RefundPayment gives back whatever the payment holds or took: a captured
// amount is refunded, an authorisation released, and a pending payment
// voided at the gateway so that a late approval cannot charge. Refunding
// a refunded or declined payment changes nothing, so a compensation can
// be retried.
type RefundPayment struct {
	PaymentID string `json:"paymentId" jsonschema:"minLength=1,maxLength=100"`
	Reason    string `json:"reason" jsonschema:"minLength=1,maxLength=200"`
}
