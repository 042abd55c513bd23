package payments

import (
	"context"
	"errors"
)

// PaymentGateway is the payment provider, as the module needs it. Every
// call names a payment by its idempotency key (the payment id), so a call
// repeated after a lost answer, a crash or a retry acts once: an
// implementation must never hold or take money twice for one key, and
// must answer a repeated call as it answered the first.
//
// A call that fails with ErrUnavailable may or may not have reached the
// provider (the answer was lost, the provider timed out or failed): ask
// again with the same key to learn the outcome. Implementations are safe
// for concurrent use. modules/payments/gatewaytest checks this contract.
type PaymentGateway interface {
	// Authorise holds req.Amount. A declined payment is an answer
	// (Approved false), not an error. A key used before for another
	// amount, currency or reference fails with ErrKeyReused; a key voided
	// by Refund is declined.
	Authorise(ctx context.Context, req AuthoriseRequest) (Authorisation, error)
	// Capture takes the amount held under key; capturing again succeeds
	// and takes nothing more. A key with no approved hold (none, declined,
	// refunded) fails with ErrNotAuthorised.
	Capture(ctx context.Context, key string) error
	// Refund gives back everything held or taken under key and answers
	// how much; refunding again answers the same and gives nothing more. A
	// key with nothing held is voided (Refunded 0): a later Authorise of it
	// is declined, so a late request cannot charge.
	Refund(ctx context.Context, key string) (Refund, error)
}

// AuthoriseRequest asks to hold an amount, in minor units.
type AuthoriseRequest struct {
	// Key is the idempotency key: the payment id.
	Key string
	// Reference is what the payment is for (the order id), so that two
	// payments for one order show as a double charge.
	Reference string
	Amount    int64
	Currency  string
}

// Authorisation is the gateway's answer to Authorise.
type Authorisation struct {
	Approved bool
	// ID is the provider's reference of an approved hold.
	ID string
	// DeclineReason says why a payment was not approved.
	DeclineReason string
}

// Refund is the gateway's answer to Refund.
type Refund struct {
	// Refunded is the amount given back; 0 when nothing was held.
	Refunded int64
}

// Gateway errors, compared with errors.Is.
var (
	// ErrUnavailable: the call failed or timed out; the outcome is
	// unknown until asked again with the same key.
	ErrUnavailable = errors.New("payment gateway unavailable")
	// ErrKeyReused: the key was used for another payment.
	ErrKeyReused = errors.New("idempotency key used for another payment")
	// ErrNotAuthorised: nothing approved is held under the key.
	ErrNotAuthorised = errors.New("no approved authorisation under this key")
)
