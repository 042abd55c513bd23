package main_test

import (
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit/pgtest"
)

// TestTwoServersOnPostgreSQLShareDisabledModules: two `webos serve`
// processes on one PostgreSQL event store. The warehouse disabled
// through server 1 answers 404 on server 2 within a bounded time, and
// works there again once server 1 enables it, without a restart.
func TestTwoServersOnPostgreSQLShareDisabledModules(t *testing.T) {
	t.Setenv("WEBOS_EVENTSTORE", pgtest.URL(t)+"&schema="+pgtest.Schema(t, "settingsfeed"))
	one, dir := serve(t, t.TempDir()), t.TempDir()
	// The administrator exists in the shared store: server 2's data dir
	// only needs a token of theirs in its own auth.db.
	out, err := exec.Command(binary(t), "admin", "create-token", "--data-dir", dir, "--email", testAdmin, "--name", "tests").Output()
	if err != nil {
		t.Fatalf("admin create-token on server 2's data dir: %v", err)
	}
	tokens.Store(dir, strings.TrimSpace(string(out)))
	two := serve(t, dir)
	sku := 0
	register := func() int {
		sku++
		status, _, _ := two.do("POST", "/api/commands/warehouse.RegisterItem",
			fmt.Sprintf(`{"sku":"PG-FOLLOW-%d","name":"Followed","unit":"pcs","lowStockThreshold":1}`, sku), nil)
		return status
	}
	works := func() bool { s := register(); return s >= 200 && s < 300 }
	if !works() {
		t.Fatal("server 2's warehouse command fails before anything was disabled")
	}
	await := func(what string, ok func() bool) {
		t.Helper()
		start := time.Now()
		for !ok() {
			if time.Since(start) > 5*time.Second {
				t.Fatalf("server 2 did not learn within 5s that %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("server 2 learnt that %s after %s", what, time.Since(start).Round(time.Millisecond))
	}
	if status, out, _ := one.do("PUT", "/api/settings/system/system", `{"disabledModules":["warehouse"]}`, nil); status != http.StatusOK {
		t.Fatalf("disabling on server 1: %d %v", status, out)
	}
	await("the warehouse is disabled", func() bool { return register() == http.StatusNotFound })
	if status, out, _ := one.do("PUT", "/api/settings/system/system", `{"disabledModules":null}`, nil); status != http.StatusOK {
		t.Fatalf("enabling on server 1: %d %v", status, out)
	}
	await("the warehouse is enabled again", works)
	one.stop()
	two.stop()
}
