package main_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runBinary runs webos with args and extra environment, and returns its
// stdout, stderr and exit code.
func runBinary(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// listedCommands reads the command names from `webos help`, so every
// command added to the binary is covered without touching this test.
func listedCommands(t *testing.T) []string {
	t.Helper()
	out, errOut, code := runBinary(t, nil, "help")
	if code != 0 {
		t.Fatalf("webos help: exit %d: %s", code, errOut)
	}
	var names []string
	for _, line := range strings.Split(out, "\n") {
		usage, _, ok := strings.Cut(strings.TrimSpace(line), "  ")
		words := strings.Fields(usage)
		if !ok || len(words) < 2 || words[0] != "webos" || words[1] == "help" {
			continue
		}
		var name []string
		for _, w := range words[1:] {
			if strings.ToLower(w) != w {
				break // an argument placeholder: NAME
			}
			name = append(name, w)
		}
		names = append(names, strings.Join(name, " "))
	}
	if len(names) < 4 {
		t.Fatalf("webos help lists %v, want serve, projections rebuild, schemas, version at least:\n%s", names, out)
	}
	return names
}

// TestHelpForEveryCommand: -h, --help and `webos help CMD` exit 0 and
// print the command's usage to stdout, for every command the binary lists.
func TestHelpForEveryCommand(t *testing.T) {
	t.Parallel()
	for _, name := range listedCommands(t) {
		words := strings.Fields(name)
		for _, args := range [][]string{
			append(words, "-h"),
			append(words, "--help"),
			append([]string{"help"}, words...),
		} {
			out, errOut, code := runBinary(t, nil, args...)
			if code != 0 || !strings.HasPrefix(out, "usage: webos "+name) {
				t.Errorf("webos %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errOut)
			}
		}
	}
	for _, args := range [][]string{{"-h"}, {"--help"}, {"projections", "--help"}} {
		if out, _, code := runBinary(t, nil, args...); code != 0 || !strings.Contains(out, "webos projections rebuild") {
			t.Errorf("webos %v: exit %d: %q", args, code, out)
		}
	}
}

// TestUsageMistakesExit2: an unknown command, a bad flag or a bad
// environment value exits 2 with a message naming what to fix. A
// malformed command line shows the usage; a bad value of a known flag,
// like one of an environment variable, is one line without it.
func TestUsageMistakesExit2(t *testing.T) {
	t.Parallel()
	cases := []struct {
		env   []string
		args  []string
		want  []string
		usage bool // the usage follows; else the message is one line
	}{
		{nil, []string{"frobnicate"}, []string{"unknown command", "usage:"}, true},
		{nil, []string{"serve", "--bogus"}, []string{"-bogus", "usage: webos serve"}, true},
		{nil, []string{"serve", "--readmodels"}, []string{"-readmodels", "usage: webos serve"}, true},
		{nil, []string{"projections"}, []string{"webos projections rebuild"}, true},
		{[]string{"WEBOS_DEMO=maybe"}, []string{"serve"}, []string{"WEBOS_DEMO", "true or false"}, false},
		{[]string{"WEBOS_SHUTDOWN_TIMEOUT=10"}, []string{"serve"}, []string{"WEBOS_SHUTDOWN_TIMEOUT", "duration with a unit"}, false},
		{[]string{"WEBOS_PAYMENT_GATEWAY=maybe"}, []string{"serve"}, []string{`WEBOS_PAYMENT_GATEWAY="maybe"`, "approve, decline, timeout"}, false},
		{nil, []string{"serve", "--payment-gateway", "decline,fail=x"}, []string{"--payment-gateway", `"fail=x"`}, false},
		{[]string{"WEBOS_LOG_LEVEL=loud"}, []string{"projections", "rebuild", "x"}, []string{"WEBOS_LOG_LEVEL", "debug, info, warn or error"}, false},
		{nil, []string{"serve", "--readmodels", "bogus"}, []string{`--readmodels="bogus"`, "sqlite://PATH"}, false},
		{nil, []string{"serve", "--bus=kafka://u:s3cret@h:9092"}, []string{`--bus="kafka://u:xxxxx@h:9092"`, "nats://HOST:PORT"}, false},
		{nil, []string{"serve", "--bus", "nats://h:4222?ack_wait=soon"}, []string{"--bus", `ack_wait="soon"`}, false},
		{nil, []string{"serve", "--eventstore", "bogus"}, []string{"--eventstore", "sqlite://PATH"}, false},
		{nil, []string{"projections", "rebuild", "x", "--log-level=loud"}, []string{"--log-level", "debug, info, warn or error"}, false},
		{nil, []string{"serve", "--demo=maybe"}, []string{"--demo", "true or false"}, false},
		{[]string{"WEBOS_BUS=kafka://u:s3cret@h:9092"}, []string{"serve"}, []string{`WEBOS_BUS="kafka://u:xxxxx@h:9092"`}, false},
	}
	for _, c := range cases {
		// A data dir the command would create shows it went too far.
		dir := filepath.Join(t.TempDir(), "data")
		_, errOut, code := runBinary(t, append(c.env, "WEBOS_DATA_DIR="+dir), c.args...)
		if code != 2 {
			t.Errorf("%v %v: exit %d, want 2: %s", c.env, c.args, code, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v %v: stderr lacks %q:\n%s", c.env, c.args, w, errOut)
			}
		}
		if lines := strings.Count(strings.TrimSpace(errOut), "\n") + 1; c.usage != strings.Contains(errOut, "usage:") || !c.usage && lines != 1 {
			t.Errorf("%v %v: want the usage %v, got %d lines:\n%s", c.env, c.args, c.usage, lines, errOut)
		}
		if strings.Contains(errOut, "s3cret") {
			t.Errorf("%v %v: stderr shows the password:\n%s", c.env, c.args, errOut)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%v %v: created the data dir before failing", c.env, c.args)
		}
	}
}

// TestPortInUse: serve --demo on a taken port fails before it touches
// the data dir, and says which flag and variable set the address.
func TestPortInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	dir := filepath.Join(t.TempDir(), "data")
	_, errOut, code := runBinary(t, nil, "serve", "--demo", "--data-dir", dir, "--addr", ln.Addr().String())
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, w := range []string{ln.Addr().String(), "already in use", "--addr", "WEBOS_ADDR"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("the data dir was created: the port must be bound before anything is written")
	}
}

// TestVersionFlag: --version and the version command print the same.
func TestVersionFlag(t *testing.T) {
	t.Parallel()
	a, _, ca := runBinary(t, nil, "--version")
	b, _, cb := runBinary(t, nil, "version")
	if ca != 0 || cb != 0 || a != b || !strings.HasPrefix(a, "webos ") {
		t.Fatalf("--version: %d %q; version: %d %q", ca, a, cb, b)
	}
}

// TestRootPage: a browser opening / gets an HTML page naming the engine
// and, once signed in, its modules and their views, with links into the
// API; before, a link to sign in and nothing of the modules.
func TestRootPage(t *testing.T) {
	t.Parallel()
	p := serve(t, t.TempDir())
	page := func(get func(string) (*http.Response, error)) string {
		t.Helper()
		res, err := get("/")
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = res.Body.Close() }()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET /: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		return string(body)
	}
	signedIn := page(p.get)
	for _, want := range []string{"Web OS Engine", "warehouse.ReceiveStock", `href="/api/views/warehouse.stock"`, `href="/api/modules"`} {
		if !strings.Contains(signedIn, want) {
			t.Errorf("GET / signed in lacks %q", want)
		}
	}
	anonymous := page(func(path string) (*http.Response, error) { return http.Get(p.url + path) })
	if !strings.Contains(anonymous, `href="/login"`) || strings.Contains(anonymous, "warehouse.ReceiveStock") {
		t.Errorf("GET / without signing in shows the modules or no sign-in link:\n%s", anonymous)
	}
	p.stop()
}
