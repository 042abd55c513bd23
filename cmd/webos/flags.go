package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// commonFlags are the flags every data-dir command shares.
type commonFlags struct {
	dataDir  string
	logLevel slog.Level
	// readModels is --readmodels, for the commands that open the engine
	// (registerReadModels).
	readModels readModelsURL
	// eventStore is --eventstore, for every data-dir command
	// (eventstore_url.go).
	eventStore eventStoreURL
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.dataDir, "data-dir", "./data", "`DIR` holding the event store and read models")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "log `LEVEL`: debug, info, warn or error")
	fs.Var(&c.eventStore, "eventstore", eventStoreUsage)
}

// parse parses args, flags and positional arguments in any order, and
// returns the positional ones. Then it fills every flag not given on the
// command line from its environment twin: --data-dir from WEBOS_DATA_DIR.
//
// -h or --help prints the command's usage to stdout and returns
// flag.ErrHelp. A malformed command line (an unknown flag, a flag without
// its value) prints the usage to stderr and returns a usageError; a bad
// flag or environment value returns a usageError naming the flag or
// variable and what it accepts, without the usage.
func parse(fs *flag.FlagSet, args []string, out streams) ([]string, error) {
	usage := fs.Usage
	// flag would print its own message and the usage on every error; we
	// print them once, to the right stream, below.
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	var bad *badValue
	unwrap := watchValues(fs, &bad)
	positional, err := parseArgs(fs, args)
	unwrap()
	fs.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(out.stdout)
		fs.Usage()
		return nil, flag.ErrHelp
	case bad != nil:
		fs.SetOutput(out.stderr)
		return nil, usageError{bad}
	case err != nil:
		fs.SetOutput(out.stderr)
		fs.Usage()
		return nil, usageError{err}
	}
	fs.SetOutput(out.stderr)
	// The message names the variable and the format; the usage would
	// only bury it.
	if err := fromEnv(fs); err != nil {
		return nil, usageError{err}
	}
	return positional, nil
}

func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// fromEnv sets every flag not given on the command line from its
// environment twin.
func fromEnv(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		v, ok := os.LookupEnv(envName(f))
		if !ok || given[f.Name] || err != nil {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = &badValue{source: envName(f), f: f, value: v, err: serr}
		}
	})
	return err
}

// envName is a flag's environment twin: --data-dir is WEBOS_DATA_DIR.
func envName(f *flag.Flag) string {
	return "WEBOS_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
}

// standard describes the values of a flag of a standard kind (a bool, a
// duration, a number, a log level), "" for other kinds.
func standard(f *flag.Flag) string {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return ""
	}
	switch g.Get().(type) {
	case bool:
		return "true or false"
	case time.Duration:
		return "a duration with a unit, such as 500ms, 15s or 2m"
	case int, int64, uint, uint64:
		return "a whole number"
	case slog.Level, *slog.Level: // *slog.Level: a TextVar's
		return "debug, info, warn or error"
	}
	return ""
}

// commandUsage writes a command's usage line, summary and flags with
// their environment twins.
func commandUsage(w io.Writer, c command, fs *flag.FlagSet) {
	line := strings.TrimSpace("webos " + c.name + " " + c.args)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		fmt.Fprintf(w, "usage: %s\n\n%s\n", line, c.summary)
		return
	}
	fmt.Fprintf(w, "usage: %s [flags]\n\n%s\n", line, c.summary)
	fmt.Fprintln(w, "\nflags (each can also be set by the environment variable shown):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		name := strings.TrimSpace("--" + f.Name + " " + kind)
		fmt.Fprintf(tw, "  %s\t%s\t%s (default %q)\n", name, envName(f), usage, f.DefValue)
	})
	_ = tw.Flush() // w is stdout or stderr: nowhere to report to
}

// unexpected reports positional arguments a command does not take.
func unexpected(args []string) error {
	if len(args) == 0 {
		return nil
	}
	return usagef("unexpected arguments: %v", args)
}
