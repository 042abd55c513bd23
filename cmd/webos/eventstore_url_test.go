package main_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit/pgtest"
)

// TestEventStoreURLMistakes: a wrong --eventstore (or WEBOS_EVENTSTORE)
// stops serve at once with one line and its exit code, and never shows
// the URL's password.
func TestEventStoreURLMistakes(t *testing.T) {
	t.Parallel()
	unreachable := "postgres://webos:s3cret@" + freeAddr(t) + "/events"
	kurrentAddr := freeAddr(t)
	cases := []struct {
		name, flag, env string
		code            int
		want            string
	}{
		{"unknown scheme", "mysql://webos:s3cret@db/events", "", 2, `unknown scheme "mysql"`},
		{"unknown scheme from the environment", "", "mysql://webos:s3cret@db/events", 2, `unknown scheme "mysql"`},
		{"not a URL", "events.db", "", 2, "must be a URL"},
		{"sqlite without a path", "sqlite://", "", 2, "needs a file path"},
		{"unreachable PostgreSQL", unreachable, "", 1, "postgres event store " + strings.TrimPrefix(unreachable, "postgres://webos:s3cret@")},
		{"unreachable KurrentDB", "kurrentdb://admin:s3cret@" + kurrentAddr + "?tls=false", "", 1, "kurrentdb event store kurrentdb://admin:xxxxx@" + kurrentAddr},
		{"unreachable KurrentDB as esdb", "", "esdb://" + kurrentAddr + "?tls=false", 1, "kurrentdb event store esdb://" + kurrentAddr},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			args := []string{"serve", "--data-dir", t.TempDir(), "--addr", freeAddr(t)}
			if c.flag != "" {
				args = append(args, "--eventstore", c.flag)
			}
			cmd := exec.CommandContext(ctx, binary(t), args...)
			cmd.Env = append(os.Environ(), "WEBOS_EVENTSTORE="+c.env)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			start := time.Now()
			err := cmd.Run()
			code := 0
			if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
				code = ee.ExitCode()
			}
			text := strings.TrimSpace(out.String())
			if code != c.code || !strings.Contains(text, c.want) || strings.Contains(text, "s3cret") || strings.Count(text, "\n") != 0 {
				t.Fatalf("exit %d after %s, output:\n%s\nwant exit %d and one line with %q, without the password", code, time.Since(start), text, c.code, c.want)
			}
		})
	}
}

// TestServeOnPostgres runs the real binary with its events in PostgreSQL:
// the demo loads, projections catch up, a restart finds the same head, and
// the audit verifies the chain through the port. The data dir never gets
// an events.db.
func TestServeOnPostgres(t *testing.T) {
	t.Setenv("WEBOS_EVENTSTORE", pgtest.URL(t)+"&schema="+pgtest.Schema(t, "webos_cli"))
	dir := t.TempDir()
	p := serve(t, dir, "--demo")
	p.caughtUp()
	head := p.head()
	if head == 0 {
		t.Fatal("--demo appended nothing")
	}
	p.stop()
	p = serve(t, dir, "--demo")
	p.caughtUp()
	if again := p.head(); again != head {
		t.Fatalf("head %v after a restart, was %v", again, head)
	}
	p.stop()
	if _, err := os.Stat(filepath.Join(dir, "events.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("events.db in the data dir: %v", err)
	}
	if code, out := runCmd(t, binary(t), "audit", "verify", "--data-dir", dir); code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("audit verify: %d %s", code, out)
	}
}
