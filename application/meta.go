package application

import "context"

// Meta is what the engine knows about the request a command or query came
// in: who asked, for which tenant, and how it relates to other messages.
// Adapters put it in the context; the pipeline and repository read it.
type Meta struct {
	RequestID     string
	Actor         string
	Tenant        string
	CorrelationID string
	CausationID   string
	// MessageID is the id of the message being handled when that is not
	// the request itself: the event a handler reacts to. Commands sent
	// while handling it (Send) name it as their cause.
	MessageID string
	// CommandID, when set, makes the command idempotent: a command sent
	// again with the same id returns the first result and appends nothing,
	// in any process and after restarts (see idempotency.go). It is set
	// from the HTTP Idempotency-Key header or from Go code (WithCommandID),
	// and is unique per tenant: an id reused for another command is refused
	// (idempotency_key_reused).
	CommandID    string
	TraceContext map[string]string
	// ExpectedVersion, when set (HTTP If-Match), is the stream version the
	// caller saw (a TenantVersioned aggregate's: its version in the
	// caller's tenant); a command against any other version is a conflict.
	ExpectedVersion *uint64
}

type metaKey struct{}

// WithMeta returns ctx carrying m.
func WithMeta(ctx context.Context, m Meta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

// MetaFrom returns the Meta in ctx, or the zero Meta.
func MetaFrom(ctx context.Context) Meta {
	m, _ := ctx.Value(metaKey{}).(Meta)
	return m
}
