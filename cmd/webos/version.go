package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=...", which
// wins over the build info.
var version = ""

// engineVersion is the version webos reports: the -ldflags value when
// given; else the main module's version in the build info: the release
// that `go install module@version` stamps, or the pseudo-version (commit
// time and revision, "+dirty" for uncommitted changes) that `go build`
// stamps inside a git clone (`go run` too, with -buildvcs=true); else the
// bare VCS revision; else "dev" (no VCS, or -buildvcs=false).
func engineVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	return fromBuildInfo(info)
}

// fromBuildInfo reads the version out of the build info.
func fromBuildInfo(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "-dirty"
		}
	}
	if rev == "" {
		return "dev"
	}
	return rev[:min(len(rev), 12)] + dirty
}

// printVersion is `webos version`.
func printVersion(_ context.Context, fs *flag.FlagSet, args []string, out streams) error {
	rest, err := parse(fs, args, out)
	if err != nil {
		return err
	}
	if err := unexpected(rest); err != nil {
		return err
	}
	fmt.Fprintf(out.stdout, "webos %s (%s)\n", engineVersion(), runtime.Version())
	return nil
}
