package application

import (
	"context"
	"slices"
)

// RegisterOwnCommand is RegisterCommand for a command on one record that
// a grant on one's own records (the permission followed by OwnRecords)
// may send too. For such a sender the handler must ask Touches whether
// the record it loaded is theirs or a team mate's, and answer a record
// that is not exactly as a missing one (404).
func RegisterOwnCommand[C any](r *Registrar, name, permission string, h CommandHandler[C]) {
	RegisterCommand(r, name, permission, h)
	r.commands[len(r.commands)-1].ownRecords = true
}

// ownersKey holds, in a command's context, the users whose records an
// OwnRecords grant lets the sender touch.
type ownersKey struct{}

// commandOwner is the Access.Owner of commands registered with
// RegisterOwnCommand: they check owners in their handler (Touches).
const commandOwner = "owner"

// withGrant puts g's owner rule, if any, in ctx for Touches.
func withGrant(ctx context.Context, g Grant) context.Context {
	for _, f := range g.Filters {
		if f.Field == commandOwner {
			return context.WithValue(ctx, ownersKey{}, f.Values)
		}
	}
	return ctx
}

// Touches reports whether the command in ctx may change a record owned
// by the user owner: always, unless it was allowed by a grant on one's
// own records only, which covers the sender's and their team mates'.
func Touches(ctx context.Context, owner string) bool {
	owners, ok := ctx.Value(ownersKey{}).([]any)
	return !ok || slices.Contains(owners, any(owner))
}
