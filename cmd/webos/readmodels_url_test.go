package main_test

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/readmodel/mongodb/ferretdbtest"
)

// TestReadModelsURLRefused: a --readmodels value (or WEBOS_READMODELS)
// that names no supported store exits 2 with one line naming the flag.
func TestReadModelsURLRefused(t *testing.T) {
	t.Parallel()
	for name, run := range map[string]func() *exec.Cmd{
		"flag": func() *exec.Cmd {
			return exec.Command(binary(t), "projections", "rebuild", "warehouse.stock", "--data-dir", t.TempDir(), "--readmodels", "redis://x")
		},
		"env": func() *exec.Cmd {
			c := exec.Command(binary(t), "projections", "rebuild", "warehouse.stock", "--data-dir", t.TempDir())
			c.Env = append(os.Environ(), "WEBOS_READMODELS=readmodels.db")
			return c
		},
	} {
		out, err := run().CombinedOutput()
		if exit := (*exec.ExitError)(nil); !errors.As(err, &exit) || exit.ExitCode() != 2 ||
			!strings.Contains(strings.ToLower(string(out)), "readmodels") || !strings.Contains(string(out), "sqlite://PATH") {
			t.Errorf("%s: want exit 2 naming readmodels and the accepted forms, got %v:\n%s", name, err, out)
		}
	}
}

// TestReadModelsUnreachable: a MongoDB that does not answer fails the
// start within the server selection timeout, with one line naming the
// store (without its password) and exit code 1; nothing hangs.
func TestReadModelsUnreachable(t *testing.T) {
	t.Parallel()
	url := "mongodb://webos:s3cret@" + freeAddr(t) + "/webos?serverSelectionTimeoutMS=500"
	start := time.Now()
	out, err := exec.Command(binary(t), "serve", "--data-dir", t.TempDir(), "--addr", freeAddr(t), "--readmodels", url).CombinedOutput()
	took := time.Since(start)
	exit := (*exec.ExitError)(nil)
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || took > 15*time.Second {
		t.Fatalf("want exit 1 within seconds, got %v after %s:\n%s", err, took, out)
	}
	last := lastLine(string(out))
	if !strings.Contains(last, "read-model store mongodb://webos:xxxxx@") || !strings.Contains(last, "unreachable") ||
		strings.Contains(string(out), "s3cret") {
		t.Fatalf("want one line naming the store without its password, got:\n%s", out)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestServeOnFerretDB runs the real binary with its read models on
// FerretDB: commands land, the views answer from MongoDB, and after a
// SIGKILL and a restart they still hold every event once.
func TestServeOnFerretDB(t *testing.T) {
	t.Parallel()
	srv := ferretdbtest.Start(t)
	dir := t.TempDir()
	models := "--readmodels=mongodb://" + srv.Addr + "/" + ferretdbtest.Database("webos_e2e")
	p := serve(t, dir, models)
	p.command("warehouse.RegisterItem", `{"sku":"FDB-1","name":"Widget","unit":"pcs","lowStockThreshold":1}`)
	for range 3 {
		p.command("warehouse.ReceiveStock", `{"sku":"FDB-1","quantity":4}`)
	}
	p.caughtUp()
	check := func(when string, want float64) {
		t.Helper()
		stock := p.items("warehouse.stock", "")
		if len(stock) != 1 || stock[0]["onHand"] != want {
			t.Fatalf("%s: stock view %v; want FDB-1 with %v on hand", when, stock, want)
		}
	}
	check("served", 12)
	p.kill()
	p = serve(t, dir, models)
	p.command("warehouse.ReceiveStock", `{"sku":"FDB-1","quantity":1}`)
	p.caughtUp()
	check("after SIGKILL and restart", 13)
}
