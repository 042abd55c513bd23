// Package payments is the Payments module: payments for orders, held,
// taken and given back through a PaymentGateway port. It registers the
// Payment aggregate's commands and events and the payments.list view.
// The composition root chooses the gateway; modules/payments/simulated
// is one whose behaviour tests and configuration set, and every gateway
// passes modules/payments/gatewaytest.
package payments
