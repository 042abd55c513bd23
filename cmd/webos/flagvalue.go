package main

import (
	"flag"
	"fmt"
	"strings"
)

// badValue is a flag value the flag's Set refused, given on the command
// line or by the flag's environment twin. It is a mistake in one value,
// not in the command line's shape: one line says what to fix, without the
// usage.
type badValue struct {
	source string // --name or WEBOS_NAME
	f      *flag.Flag
	value  string
	err    error // what Set said
}

func (b *badValue) Error() string {
	shown := b.value
	if strings.Contains(shown, "://") {
		shown = redact(shown) // a URL may hold a password
	}
	want := b.err.Error() // a value type of ours explains best
	if s := standard(b.f); s != "" {
		want = "want " + s // the standard ones' errors do not
	}
	return fmt.Sprintf("%s=%q is not valid: %s", b.source, shown, want)
}

// watchValues wraps every flag's value so that a refused Set is kept in
// *bad (the first one), and returns the function that unwraps them again.
func watchValues(fs *flag.FlagSet, bad **badValue) (unwrap func()) {
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		flags = append(flags, f)
		f.Value = watchedValue{Value: f.Value, f: f, bad: bad}
	})
	return func() {
		for _, f := range flags {
			f.Value = f.Value.(watchedValue).Value
		}
	}
}

// watchedValue is a flag.Value that keeps the error of its Set.
type watchedValue struct {
	flag.Value
	f   *flag.Flag
	bad **badValue
}

func (v watchedValue) Set(s string) error {
	err := v.Value.Set(s)
	if err != nil && *v.bad == nil {
		*v.bad = &badValue{source: "--" + v.f.Name, f: v.f, value: s, err: err}
	}
	return err
}

// IsBoolFlag keeps a boolean flag usable without a value (--demo).
func (v watchedValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
