package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/identity"
)

// withUser parses the flags, opens the data dir and runs change on the
// existing user named by --email, as the command line (system:cli).
func withUser(ctx context.Context, fs *flag.FlagSet, args []string, out streams, f *adminFlags,
	change func(ctx context.Context, e *engine, acc application.Account) error) error {
	e, err := openAdmin(fs, args, out, f)
	if err != nil {
		return err
	}
	defer func() { _ = e.close() }() // nothing left to report a close error to
	ctx = asSystem(ctx, "cli")
	acc, ok := e.directory.AccountByEmail(ctx, f.email)
	if !ok {
		return fmt.Errorf("no user has email %s", f.email)
	}
	return change(ctx, e, acc)
}

// send dispatches the identity command name with body.
func (e *engine) send(ctx context.Context, name string, body any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	_, err = e.app.Dispatch(ctx, name, raw)
	return err
}

// adminUserCommand is an admin command that sends one identity command
// about a user, built by body from the user and the flag value.
func adminUserCommand(command, flagName, flagUsage string, body func(userID, value string) any) func(context.Context, *flag.FlagSet, []string, streams) error {
	return adminUserCommandIn(command, flagName, flagUsage, false, body)
}

// adminTenantCommand is adminUserCommand for a command that acts in one
// tenant (roles are granted per tenant): --tenant names it, the user's
// first tenant unless given, and the user must be a member of it.
func adminTenantCommand(command, flagName, flagUsage string, body func(userID, value string) any) func(context.Context, *flag.FlagSet, []string, streams) error {
	return adminUserCommandIn(command, flagName, flagUsage, true, body)
}

func adminUserCommandIn(command, flagName, flagUsage string, inTenant bool, body func(userID, value string) any) func(context.Context, *flag.FlagSet, []string, streams) error {
	return func(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
		var f adminFlags
		f.register(fs)
		var value, tenant *string
		if flagName != "" {
			value = fs.String(flagName, "", flagUsage)
		}
		if inTenant {
			tenant = fs.String("tenant", "", "the `TENANT` it holds in (default: the user's first)")
		}
		return withUser(ctx, fs, args, out, &f, func(ctx context.Context, e *engine, acc application.Account) error {
			v := ""
			if value != nil {
				if v = strings.TrimSpace(*value); v == "" {
					return usagef("--%s is required", flagName)
				}
			}
			if tenant != nil {
				if *tenant == "" {
					*tenant = acc.TenantList()[0]
				}
				if !acc.MemberOf(*tenant) {
					return usagef("%s is not a member of the tenant %q (admin add-to-tenant)", acc.Email, *tenant)
				}
				cli := application.SystemPrincipal("cli")
				cli.Tenant = *tenant
				ctx = application.WithPrincipal(ctx, cli)
			}
			if err := e.send(ctx, command, body(acc.ID, v)); err != nil {
				return err
			}
			fmt.Fprintf(out.stderr, "%s: done for %s\n", command, acc.Email)
			return nil
		})
	}
}

var (
	adminDisableUser = adminUserCommand("identity.DisableUser", "", "", func(id, _ string) any { return identity.DisableUser{UserID: id} })
	adminEnableUser  = adminUserCommand("identity.EnableUser", "", "", func(id, _ string) any { return identity.EnableUser{UserID: id} })
	adminGrantRole   = adminTenantCommand("identity.GrantRole", "role", "the `ROLE` to grant (admin, auditor or a role defined in the tenant)",
		func(id, role string) any { return identity.GrantRole{UserID: id, Role: role} })
	adminRevokeRole = adminTenantCommand("identity.RevokeRole", "role", "the `ROLE` to take away",
		func(id, role string) any { return identity.RevokeRole{UserID: id, Role: role} })
	adminAddToTenant = adminUserCommand("identity.AddToTenant", "tenant", "the `TENANT` the user may work in from now on",
		func(id, tenant string) any { return identity.AddToTenant{UserID: id, Tenant: tenant} })
	adminRemoveFromTenant = adminUserCommand("identity.RemoveFromTenant", "tenant", "the `TENANT` the user may no longer work in",
		func(id, tenant string) any { return identity.RemoveFromTenant{UserID: id, Tenant: tenant} })
	adminRevokeToken = adminUserCommand("identity.RevokeToken", "id", "the token's `ID` (from the identity.tokens view or GET /api/auth/tokens)",
		func(id, token string) any { return identity.RevokeToken{UserID: id, TokenID: token} })
)

// adminSetPassword sets a user's password from the first line of stdin
// and ends the user's sessions.
func adminSetPassword(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
	var f adminFlags
	f.register(fs)
	return withUser(ctx, fs, args, out, &f, func(ctx context.Context, e *engine, acc application.Account) error {
		password, err := readPassword(os.Stdin)
		if err != nil {
			return err
		}
		if err := e.auth.SetPassword(ctx, acc.ID, password); err != nil {
			return err
		}
		fmt.Fprintf(out.stderr, "set the password of %s; their sessions ended\n", acc.Email)
		return nil
	})
}

// adminListUsers prints every user: email, status, roles, teams.
func adminListUsers(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
	var c commonFlags
	c.register(fs)
	c.registerReadModels(fs)
	rest, err := parse(fs, args, out)
	if err != nil {
		return err
	}
	if err := unexpected(rest); err != nil {
		return err
	}
	e, err := openEngine(c, quietLog(out, c))
	if err != nil {
		return err
	}
	defer func() { _ = e.close() }() // nothing left to report a close error to
	tw := tabwriter.NewWriter(out.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tSTATUS\tTENANTS\tROLES\tTEAMS\tID")
	for _, u := range e.directory.Users(ctx) {
		status := "active"
		if !u.Active {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Email, status, strings.Join(u.TenantList(), ","),
			perTenant(u, func(a application.Account) []string { return a.Roles }),
			perTenant(u, func(a application.Account) []string { return a.Teams }), u.ID)
	}
	return tw.Flush()
}

// perTenant lists what of lists the user holds in each of its tenants,
// as "tenant:a,b tenant2:c" ("-" for nothing).
func perTenant(u application.Account, of func(application.Account) []string) string {
	var parts []string
	for _, t := range u.TenantList() {
		if l := of(u.In(t)); len(l) > 0 {
			parts = append(parts, t+":"+strings.Join(l, ","))
		}
	}
	if parts == nil {
		return "-"
	}
	return strings.Join(parts, " ")
}
