package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// command is one subcommand of webos. Adding one to commands() is all it
// takes: the dispatcher builds its flag set, so `webos NAME -h`, `--help`
// and `webos help NAME` print its usage and exit 0 with no help code in
// the command itself.
type command struct {
	name    string // as typed, e.g. "projections rebuild"
	args    string // its positional arguments for the usage line, e.g. "NAME"
	summary string // one line for the command list and the usage text
	// run registers its flags on fs, calls parse(fs, args, out) and does
	// its work. fs is named after the command and prints its usage.
	run func(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error
}

// streams is where a command writes: results to stdout, logs and
// mistakes to stderr.
type streams struct{ stdout, stderr io.Writer }

// commands lists every subcommand, in the order `webos help` shows them.
func commands() []command {
	return []command{
		{"serve", "", "run the engine: HTTP API, projections and modules", serve},
		{"projections rebuild", "NAME", "reset a projection and replay the event store into it", rebuild},
		{"projections skip", "NAME --position P", "record that a projection passes over an event it cannot apply", skip},
		{"schemas", "", "write the JSON Schemas of every command and event", writeSchemas},
		{"bus poison list", "", "list the bus messages consumers gave up on, with their errors", busPoisonList},
		{"bus poison replay", "ID... | --all", "hand poison messages back to their consumers at the next start of serve", busPoisonReplay},
		{"audit verify", "", "check every stream's hash chain and the global feed's order", auditVerify},
		{"audit export", "", "write every event as JSON for docs/audit/verify.py", auditExport},
		{"admin create", "", "create an administrator and print a one-time link that sets their password", adminCreate},
		{"admin create-user", "", "create a user with roles; the password from stdin with --password-stdin", adminCreateUser},
		{"admin create-token", "", "issue an API token for a user and print it alone on stdout", adminCreateToken},
		{"admin list-users", "", "list every user with status, roles, teams and tenants", adminListUsers},
		{"admin set-password", "", "set a user's password from the first line of stdin; their sessions end", adminSetPassword},
		{"admin disable-user", "", "stop a user signing in; their sessions and tokens stop at once", adminDisableUser},
		{"admin enable-user", "", "let a disabled user sign in again", adminEnableUser},
		{"admin grant-role", "", "give a user a role", adminGrantRole},
		{"admin revoke-role", "", "take a role from a user", adminRevokeRole},
		{"admin revoke-token", "", "end one of a user's API tokens", adminRevokeToken},
		{"admin add-to-tenant", "", "let a user work in a tenant (docs/tenants.md)", adminAddToTenant},
		{"admin remove-from-tenant", "", "stop a user working in a tenant", adminRemoveFromTenant},
		{"keys rotate", "", "seal every secret under a new master key, with or without a running server", keysRotate},
		{"version", "", "print the version", printVersion},
	}
}

// run dispatches args to their command.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	out := streams{stdout, stderr}
	if len(args) == 0 {
		overview(stderr, "")
		return usagef("no command given")
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) == 1 {
			overview(stdout, "")
			return nil
		}
		return run(ctx, append(slices.Clone(args[1:]), "--help"), stdout, stderr)
	case "--version", "-version":
		args = append([]string{"version"}, args[1:]...)
	}
	cmd, rest, ok := find(args)
	if !ok {
		return unknown(args, out)
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.Usage = func() { commandUsage(fs.Output(), cmd, fs) }
	return cmd.run(ctx, fs, rest, out)
}

// find returns the command whose words begin args and the arguments after
// them.
func find(args []string) (command, []string, bool) {
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && slices.Equal(args[:len(words)], words) {
			return c, args[len(words):], true
		}
	}
	return command{}, nil, false
}

// unknown answers a command line no command matches. A known group
// ("webos projections") lists its commands; asked for help, that is not a
// mistake.
func unknown(args []string, out streams) error {
	group := args[0]
	if !slices.ContainsFunc(commands(), func(c command) bool { return strings.HasPrefix(c.name, group+" ") }) {
		overview(out.stderr, "")
		return usagef("unknown command %q", group)
	}
	if len(args) > 1 && isHelp(args[1]) {
		overview(out.stdout, group)
		return flag.ErrHelp
	}
	overview(out.stderr, group)
	if len(args) == 1 {
		return usagef("%s needs a subcommand", group)
	}
	return usagef("unknown command %q", group+" "+args[1])
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// overview writes the list of commands, or of one group's commands.
func overview(w io.Writer, group string) {
	fmt.Fprintln(w, "usage:")
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	for _, c := range commands() {
		if group == "" || strings.HasPrefix(c.name, group+" ") {
			fmt.Fprintf(tw, "  %s\t%s\n", strings.TrimSpace("webos "+c.name+" "+c.args), c.summary)
		}
	}
	if group == "" {
		fmt.Fprintf(tw, "  %s\t%s\n", "webos help COMMAND", "show a command's flags")
	}
	_ = tw.Flush() // w is stdout or stderr: nowhere to report to
}
