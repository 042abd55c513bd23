package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/identity"
)

// adminFlags are the flags of the admin commands.
type adminFlags struct {
	commonFlags
	email string
	name  string
}

func (f *adminFlags) register(fs *flag.FlagSet) {
	f.commonFlags.register(fs)
	f.registerReadModels(fs)
	fs.StringVar(&f.email, "email", "", "the user's `EMAIL` (required)")
	fs.StringVar(&f.name, "display-name", "", "the user's display `NAME` (default: the email)")
}

// openAdmin parses the flags and opens the data dir, which no server may
// hold: the admin commands append identity events and write auth.db.
func openAdmin(fs *flag.FlagSet, args []string, out streams, f *adminFlags) (*engine, error) {
	rest, err := parse(fs, args, out)
	if err != nil {
		return nil, err
	}
	if err := unexpected(rest); err != nil {
		return nil, err
	}
	if strings.TrimSpace(f.email) == "" {
		return nil, usagef("--email is required")
	}
	return openEngine(f.commonFlags, quietLog(out, f.commonFlags))
}

// quietLog is the admin commands' logger: warnings and errors only, so
// their own output stands out.
func quietLog(out streams, c commonFlags) *slog.Logger {
	return logging.New(out.stderr, max(c.logLevel, slog.LevelWarn))
}

// adminCreate creates an administrator (if missing) and prints a
// one-time link that sets their password: no password ever passes
// through the command line.
func adminCreate(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
	var f adminFlags
	f.register(fs)
	base := fs.String("url", "http://127.0.0.1:8080", "`URL` the server is reached at, for the link")
	e, err := openAdmin(fs, args, out, &f)
	if err != nil {
		return err
	}
	defer func() { _ = e.close() }() // nothing left to report a close error to
	ctx = asSystem(ctx, "cli")
	if _, err := e.createUser(ctx, f.email, f.name, []string{identity.RoleAdmin}); err != nil {
		return err
	}
	secret, err := e.auth.CreateSetupLink(ctx, identity.NormaliseEmail(f.email))
	if err != nil {
		return err
	}
	fmt.Fprintf(out.stdout, "%s/setup#%s\n", strings.TrimSuffix(*base, "/"), secret)
	fmt.Fprintf(out.stderr, "open the link above within 24 hours to set the password of %s; it works once\n", f.email)
	return nil
}

// adminCreateUser creates a user with roles in a tenant (--tenant, the
// default one unless given) and, with --password-stdin, a password read
// from the first line of stdin.
func adminCreateUser(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
	var f adminFlags
	f.register(fs)
	var roles list
	fs.Var(&roles, "role", "comma-separated `ROLES` to grant (admin, auditor or a defined role)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	tenant := fs.String("tenant", application.DefaultTenant, "the `TENANT` the user belongs to (more with admin add-to-tenant)")
	e, err := openAdmin(fs, args, out, &f)
	if err != nil {
		return err
	}
	defer func() { _ = e.close() }() // nothing left to report a close error to
	if !application.ValidTenant(*tenant) {
		return usagef("--tenant %q: a tenant is 1 to 40 of a-z, 0-9 and '-', starting with a letter or digit", *tenant)
	}
	var password string
	if *fromStdin {
		if password, err = readPassword(os.Stdin); err != nil {
			return err
		}
	}
	// A user belongs to the tenant it is created in.
	cli := application.SystemPrincipal("cli")
	cli.Tenant = *tenant
	ctx = application.WithPrincipal(ctx, cli)
	created, err := e.createUser(ctx, f.email, f.name, roles)
	if err != nil {
		return err
	}
	if !created {
		return fmt.Errorf("a user with email %s exists already", f.email)
	}
	if *fromStdin {
		acc, _ := e.directory.AccountByEmail(ctx, f.email)
		if err := e.auth.SetPassword(ctx, acc.ID, password); err != nil {
			return err
		}
	}
	fmt.Fprintf(out.stderr, "created user %s\n", f.email)
	return nil
}

// adminCreateToken issues an API token and prints it alone on stdout.
func adminCreateToken(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
	var f adminFlags
	f.register(fs)
	name := fs.String("name", "", "the token's `NAME`, to recognise it later (required)")
	var perms list
	fs.Var(&perms, "permissions", "comma-separated `PERMISSIONS` the token is limited to (default: all of the user's)")
	life := fs.Duration("expires-in", 90*24*time.Hour, "how long the token works")
	tenant := fs.String("tenant", "", "the `TENANT` the token works in (default: the user's first)")
	e, err := openAdmin(fs, args, out, &f)
	if err != nil {
		return err
	}
	defer func() { _ = e.close() }() // nothing left to report a close error to
	if *name == "" {
		return usagef("--name is required")
	}
	ctx = asSystem(ctx, "cli")
	acc, ok := e.directory.AccountByEmail(ctx, f.email)
	if !ok {
		return fmt.Errorf("no user has email %s", f.email)
	}
	if *tenant == "" {
		*tenant = acc.TenantList()[0]
	}
	if !acc.MemberOf(*tenant) {
		return usagef("%s is not a member of the tenant %q (admin add-to-tenant)", f.email, *tenant)
	}
	// The token works in the tenant its issuer works in.
	cli := application.SystemPrincipal("cli")
	cli.Tenant = *tenant
	t, err := e.auth.IssueToken(application.WithPrincipal(ctx, cli), acc.ID, *name, perms, *life)
	if err != nil {
		return err
	}
	fmt.Fprintln(out.stdout, t.Secret)
	return nil
}

// readPassword reads one line, without its line ending.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usagef("--password-stdin: stdin holds no password")
	}
	return line, nil
}
