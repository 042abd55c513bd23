package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/identity"
)

// asSystem runs ctx as the engine itself, named name in the events'
// actor: the admin command line, the first-run setup, the demo data.
func asSystem(ctx context.Context, name string) context.Context {
	return application.WithPrincipal(ctx, application.SystemPrincipal(name))
}

// createUser creates the user with email, display name and roles,
// unless a user with that email exists; it reports whether it did.
func (e *engine) createUser(ctx context.Context, email, name string, roles []string) (bool, error) {
	if _, ok := e.directory.AccountByEmail(ctx, email); ok {
		return false, nil
	}
	if name == "" {
		name = email
	}
	err := e.send(ctx, "identity.CreateUser", identity.CreateUser{Email: email, DisplayName: name, Roles: roles})
	return err == nil, err
}

// createAdmin is the first-run setup's way to create the administrator.
func (e *engine) createAdmin(ctx context.Context, email, name string) error {
	_, err := e.createUser(asSystem(ctx, "setup"), email, name, []string{identity.RoleAdmin})
	return err
}

// identitySyncEvery is how often serve reads the identity events other
// processes appended.
const identitySyncEvery = 2 * time.Second

// followIdentity brings the Directory up to date every interval until
// ctx ends, and closes the returned channel then. This process's own
// identity changes hold at the next request anyway; this makes those of
// another process sharing the event store (PostgreSQL, KurrentDB) hold
// here within the interval: a user disabled there cannot go on here.
func (e *engine) followIdentity(ctx context.Context, every time.Duration, log *slog.Logger) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := e.directory.Sync(ctx); err != nil && ctx.Err() == nil {
					log.Warn("could not read new identity events; retrying", "error", err)
				}
			}
		}
	}()
	return done
}
