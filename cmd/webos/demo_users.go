package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/webos-engine/webos/modules/identity"
)

// demoRole is the role of the demo's warehouse clerk.
var demoRole = identity.DefineRole{Role: "clerk", Description: "works the warehouse", Permissions: []string{"warehouse.*"}}

// demoUsers are the demo's users: an administrator, a clerk and an
// auditor.
var demoUsers = []struct{ email, name, role string }{
	{"admin@demo.example", "Demo Admin", identity.RoleAdmin},
	{"clerk@demo.example", "Demo Clerk", demoRole.Role},
	{"auditor@demo.example", "Demo Auditor", identity.RoleAuditor},
}

// demoUsers creates the demo users that are missing, each with a random
// password printed to w this once: no password is fixed anywhere.
func (e *engine) demoUsers(ctx context.Context, w io.Writer) error {
	if err := e.send(ctx, "identity.DefineRole", demoRole); err != nil {
		return err
	}
	for _, u := range demoUsers {
		created, err := e.createUser(ctx, u.email, u.name, []string{u.role})
		if err != nil {
			return err
		}
		if !created {
			continue
		}
		acc, _ := e.directory.AccountByEmail(ctx, u.email)
		password := rand.Text()[:20]
		if err := e.auth.SetPassword(ctx, acc.ID, password); err != nil {
			return err
		}
		fmt.Fprintf(w, "demo user %s (%s), password %s (shown once)\n", u.email, u.role, password)
	}
	// argon2id's memory is garbage now; give it back rather than idle on
	// it.
	debug.FreeOSMemory()
	return nil
}
