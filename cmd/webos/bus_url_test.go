package main_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/bus"
	rmsqlite "github.com/webos-engine/webos/adapters/readmodel/sqlite"
)

// TestBusURLRefused: a --bus value (or WEBOS_BUS) that names no supported
// backend, or a bad parameter, exits 2 with one line naming the flag.
func TestBusURLRefused(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"kafka://x:9092", "nats://", "gochanel", "nats://h:4222?ack_wait=soon", "redis://h:6379?colour=red", "::"} {
		for _, env := range []bool{false, true} {
			c := exec.Command(binary(t), "serve", "--data-dir", t.TempDir(), "--addr", freeAddr(t), "--bus", v)
			if env {
				c = exec.Command(binary(t), "serve", "--data-dir", t.TempDir(), "--addr", freeAddr(t))
				c.Env = append(os.Environ(), "WEBOS_BUS="+v)
			}
			out, err := c.CombinedOutput()
			if exit := (*exec.ExitError)(nil); !errors.As(err, &exit) || exit.ExitCode() != 2 ||
				!strings.Contains(strings.ToLower(lastLine(string(out))), "bus") {
				t.Errorf("--bus %q (env %v): want exit 2 naming bus, got %v:\n%s", v, env, err, out)
			}
		}
	}
}

// TestBusUnreachable: a bus that does not answer fails the start within
// seconds, with one line naming it (without its password) and exit 1.
func TestBusUnreachable(t *testing.T) {
	t.Parallel()
	for _, scheme := range []string{"nats", "amqp", "redis", "postgres"} {
		url := scheme + "://webos:s3cret@" + freeAddr(t) + "/x"
		start := time.Now()
		out, err := exec.Command(binary(t), "serve", "--data-dir", t.TempDir(), "--addr", freeAddr(t), "--bus", url).CombinedOutput()
		took := time.Since(start)
		exit := (*exec.ExitError)(nil)
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || took > 15*time.Second {
			t.Fatalf("%s: want exit 1 within seconds, got %v after %s:\n%s", scheme, err, took, out)
		}
		last := lastLine(string(out))
		if !strings.Contains(last, "event bus is unreachable") || !strings.Contains(last, scheme+"://webos:xxxxx@") ||
			strings.Contains(string(out), "s3cret") {
			t.Fatalf("%s: want one line naming the bus without its password, got:\n%s", scheme, out)
		}
	}
}

// TestBusForwarderInServe: serve forwards every stored event on the
// default in-process bus, shows the forwarder in /api/modules, and keeps
// its checkpoint across a restart; rebuilding a projection in between
// sends nothing to the bus again (bus consumers never see a replay).
func TestBusForwarderInServe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := serve(t, dir)
	p.command("warehouse.RegisterItem", `{"sku":"BUS-1","name":"Widget","unit":"pcs","lowStockThreshold":1}`)
	p.command("warehouse.ReceiveStock", `{"sku":"BUS-1","quantity":4}`)
	forwarded := func() map[string]any {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			_, out, _ := p.do("GET", "/api/modules", "", nil)
			b, _ := out["bus"].(map[string]any)
			f, _ := b["forwarder"].(map[string]any)
			if f != nil && f["position"] == p.head() && b["lag"] == 0.0 {
				return b
			}
			if time.Now().After(deadline) {
				t.Fatalf("the forwarder did not reach the head %v: %v", p.head(), out["bus"])
			}
		}
	}
	b := forwarded()
	if f := b["forwarder"].(map[string]any); f["state"] != "running" || f["backend"] != "gochannel" || b["poison"] != 0.0 {
		t.Fatalf("bus status %v", b)
	}
	p.stop()
	if out, err := exec.Command(binary(t), "projections", "rebuild", "warehouse.stock", "--data-dir", dir).CombinedOutput(); err != nil {
		t.Fatalf("rebuild: %v\n%s", err, out)
	}
	p = serve(t, dir)
	p.command("warehouse.ReceiveStock", `{"sku":"BUS-1","quantity":1}`)
	if f := forwarded()["forwarder"].(map[string]any); f["forwarded"] != 1.0 {
		t.Fatalf("after a rebuild and a restart the forwarder sent %v events, want only the new one", f["forwarded"])
	}
}

// TestBusPoisonCommands: list shows the archive, replay marks named
// messages or all, and a wrong call is a usage mistake.
func TestBusPoisonCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	models, err := rmsqlite.Open(filepath.Join(dir, "readmodels.db"))
	if err != nil {
		t.Fatal(err)
	}
	p := bus.NewPoison(models)
	for _, id := range []string{"m1", "m2"} {
		if err := p.Keep(context.Background(), bus.PoisonRecord{ID: "sagas:" + id, Consumer: "sagas", MessageID: id,
			EventType: "orders.OrderPlaced", Error: "boom\nat line 2", PoisonedAt: "2026-01-01T00:00:0" + id[1:] + "Z",
			Payload: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := models.Close(); err != nil {
		t.Fatal(err)
	}
	webos := func(args ...string) (string, int) {
		out, err := exec.Command(binary(t), append(args, "--data-dir", dir)...).CombinedOutput()
		if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
			return string(out), exit.ExitCode()
		}
		return string(out), 0
	}
	out, code := webos("bus", "poison", "list")
	if code != 0 || !strings.Contains(out, "sagas:m1") || !strings.Contains(out, "orders.OrderPlaced") || !strings.Contains(out, "boom at line 2") {
		t.Fatalf("list: exit %d\n%s", code, out)
	}
	if out, code = webos("bus", "poison", "replay", "sagas:m2"); code != 0 || !strings.Contains(out, "marked 1") {
		t.Fatalf("replay one: exit %d\n%s", code, out)
	}
	if out, _ = webos("bus", "poison", "list"); !strings.Contains(lastLine(out), "marked") || strings.Count(out, "marked") != 1 {
		t.Fatalf("list after replay: want sagas:m2 marked only\n%s", out)
	}
	for _, args := range [][]string{{"bus", "poison", "replay"}, {"bus", "poison", "replay", "x", "--all"}} {
		if out, code = webos(args...); code != 2 {
			t.Fatalf("%v: want exit 2, got %d\n%s", args, code, out)
		}
	}
	if out, code = webos("bus", "poison", "replay", "sagas:nope"); code != 1 || !strings.Contains(out, "sagas:nope") {
		t.Fatalf("replay of an unknown id: exit %d\n%s", code, out)
	}
	if out, code = webos("bus", "poison", "replay", "--all"); code != 0 || !strings.Contains(out, "marked 2") {
		t.Fatalf("replay --all: exit %d\n%s", code, out)
	}
}
