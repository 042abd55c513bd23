package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDemoRebuildAndLock: --demo seeds once and only once (the second run
// says so, with no refused-command lines); a rebuild is
// refused while a server holds the data dir and, once it is stopped,
// rebuilds the view to the same contents.
func TestDemoRebuildAndLock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := serve(t, dir, "--demo")
	p.caughtUp()
	head := p.head()
	stock := p.items("warehouse.stock", "")
	if len(stock) == 0 || head == 0 {
		t.Fatalf("--demo loaded nothing: head %v, %d items", head, len(stock))
	}
	out, err := exec.Command(binary(t), "projections", "rebuild", "warehouse.stock", "--data-dir", dir).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "in use") {
		t.Fatalf("rebuild while serving must be refused, got %v: %s", err, out)
	}
	p.stop()

	out, err = exec.Command(binary(t), "projections", "rebuild", "warehouse.stock", "--data-dir", dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "rebuilt warehouse.stock") {
		t.Fatalf("rebuild: %v: %s", err, out)
	}
	p = serve(t, dir, "--demo")
	p.caughtUp()
	if again := p.head(); again != head {
		t.Fatalf("a second --demo appended events: head %v, was %v", again, head)
	}
	p.wantLog("demo data already loaded")
	p.wantLog(`"duration_ms":`)
	if logs := p.logs.String(); strings.Contains(logs, "command refused") {
		t.Fatalf("a second --demo must log that the data is there, without refusals:\n%s", logs)
	}
	if logs := p.logs.String(); strings.Contains(logs, `"duration":`) {
		t.Fatalf("JSON logs must show durations in milliseconds:\n%s", logs)
	}
	rebuilt := p.items("warehouse.stock", "")
	if len(rebuilt) != len(stock) {
		t.Fatalf("rebuilt view has %d items, had %d", len(rebuilt), len(stock))
	}
	for i := range stock {
		if stock[i]["onHand"] != rebuilt[i]["onHand"] || stock[i]["reserved"] != rebuilt[i]["reserved"] {
			t.Fatalf("rebuilt row differs: %v vs %v", rebuilt[i], stock[i])
		}
	}
	p.stop()
}

func TestVersionAndUsage(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(binary(t), "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "webos ") {
		t.Fatalf("version: %v %s", err, out)
	}
	if out, err := exec.Command(binary(t), "frobnicate").CombinedOutput(); err == nil || !strings.Contains(string(out), "usage") {
		t.Fatalf("an unknown command must fail with usage: %v %s", err, out)
	}
}

// TestIdleRSS checks the resident memory of an idle server with the demo
// data loaded. The memory the engine owns (anonymous pages: heaps, stacks,
// SQLite caches) must stay at most 40 MB. The whole resident set, which
// also counts the pages of the executable the kernel mapped in (clean,
// shared and reclaimable, about 40 MB of the 75 MB binary with its
// database, bus and telemetry clients), must stay at most 80 MB.
func TestIdleRSS(t *testing.T) {
	t.Parallel()
	p := serve(t, t.TempDir(), "--demo")
	p.caughtUp()
	time.Sleep(300 * time.Millisecond)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	kb := map[string]int{}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && (f[0] == "VmRSS:" || strings.HasPrefix(f[0], "Rss")) {
			kb[strings.TrimSuffix(f[0], ":")], _ = strconv.Atoi(f[1])
		}
	}
	t.Logf("idle RSS: %.1f MB (anonymous %.1f MB, file %.1f MB)",
		float64(kb["VmRSS"])/1024, float64(kb["RssAnon"])/1024, float64(kb["RssFile"])/1024)
	if kb["VmRSS"] == 0 || kb["VmRSS"] > 80*1024 {
		t.Errorf("idle RSS %d kB, want at most 80 MB", kb["VmRSS"])
	}
	if anon, ok := kb["RssAnon"]; ok && anon > 40*1024 {
		t.Errorf("idle anonymous RSS %d kB, want at most 40 MB", anon)
	}
	p.stop()
}
