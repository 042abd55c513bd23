package payments

import (
	"errors"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/payments/contract"
)

// Permissions the module's commands and views require.
const (
	PermissionManage = "payments.manage"
	PermissionView   = "payments.view"
)

// DefaultAnswerTimeout is how long a gateway call is waited for when the
// Module does not say.
const DefaultAnswerTimeout = 10 * time.Second

// Module is the Payments module, on the gateway the composition root
// chose.
type Module struct {
	Gateway PaymentGateway
	// AnswerTimeout bounds each gateway call; a payment whose
	// authorisation is not answered in it stays pending.
	AnswerTimeout time.Duration
}

// Manifest describes the module.
func (Module) Manifest() application.Manifest {
	return application.Manifest{Name: "payments", Version: "1.0.0", Permissions: []application.Permission{
		{Name: PermissionManage, Description: "authorise, capture and refund payments"},
		{Name: PermissionView, Description: "read payments", ReadOnly: true},
	}}
}

// Register adds the Payment commands and events, the projection and the
// payments.list view.
func (m Module) Register(r *application.Registrar) error {
	if m.Gateway == nil {
		return errors.New("payments needs a payment gateway")
	}
	application.RegisterEvent[contract.PaymentRequested](r, 1)
	application.RegisterEvent[contract.PaymentAuthorised](r, 1)
	application.RegisterEvent[contract.PaymentDeclined](r, 1)
	application.RegisterEvent[contract.PaymentCaptured](r, 1)
	application.RegisterEvent[contract.PaymentRefunded](r, 1)

	timeout := m.AnswerTimeout
	if timeout <= 0 {
		timeout = DefaultAnswerTimeout
	}
	h := newHandlers(r.Repository(), m.Gateway, timeout)
	application.RegisterCommand(r, "AuthorisePayment", PermissionManage, h.authorise)
	application.RegisterCommand(r, "CapturePayment", PermissionManage, h.capture)
	application.RegisterCommand(r, "RefundPayment", PermissionManage, h.refund)

	r.Projection(paymentsProjection())
	r.View("list", application.View{Collection: listCollection, DefaultSort: []application.SortKey{{Field: "requestedAt", Desc: true}}, Permission: PermissionView})
	return nil
}
