package main_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// moduleState is a module's status and the states of its projections
// in /api/modules.
func moduleState(p *proc, module string) (string, []string) {
	p.t.Helper()
	_, out, _ := p.do("GET", "/api/modules", "", nil)
	status := ""
	var projs []string
	for _, m := range out["modules"].([]any) {
		if mm := m.(map[string]any); mm["name"] == module {
			status, _ = mm["status"].(string)
		}
	}
	for _, s := range out["projections"].([]any) {
		if sm := s.(map[string]any); strings.HasPrefix(sm["name"].(string), module+".") {
			projs = append(projs, sm["state"].(string))
		}
	}
	return status, projs
}

// TestADisabledModuleAnswersLikeAMissingOne disables the warehouse
// module through the core setting on the real binary: its commands and
// views answer the same 404 as unknown ones, /api/modules says so, its
// projections pause (and stay paused across a restart) while the rest
// runs; a core or unknown module cannot be disabled; enabling it again
// resumes the projections from their checkpoints.
func TestADisabledModuleAnswersLikeAMissingOne(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := serve(t, dir)
	p.command("warehouse.RegisterItem", `{"sku":"DIS-1","name":"Disabled","unit":"pcs","lowStockThreshold":1}`)
	p.command("warehouse.ReceiveStock", `{"sku":"DIS-1","quantity":4}`)
	p.caughtUp()
	for _, bad := range []string{`["identity"]`, `["settings"]`, `["nope"]`, `["warehouse","sagas"]`} {
		status, out, _ := p.do("PUT", "/api/settings/system/system", `{"disabledModules":`+bad+`}`, nil)
		if status != http.StatusBadRequest || !strings.Contains(mustText(out), "/disabledModules/") {
			t.Fatalf("disabling %s: %d %v", bad, status, out)
		}
	}
	if status, out, _ := p.do("PUT", "/api/settings/system/system", `{"disabledModules":["warehouse"]}`, nil); status != http.StatusOK {
		t.Fatalf("disable: %d %v", status, out)
	}
	disabled := func(p *proc) {
		t.Helper()
		unknownCmd, uc, _ := p.do("POST", "/api/commands/warehouse.Nope", `{"sku":"DIS-1","quantity":1}`, nil)
		gotCmd, gc, _ := p.do("POST", "/api/commands/warehouse.ReceiveStock", `{"sku":"DIS-1","quantity":1}`, nil)
		if gotCmd != http.StatusNotFound || gotCmd != unknownCmd || gc["type"] != uc["type"] {
			t.Fatalf("a disabled module's command: %d %v (unknown: %d %v)", gotCmd, gc, unknownCmd, uc)
		}
		unknownView, uv, _ := p.do("GET", "/api/views/warehouse.nope", "", nil)
		gotView, gv, _ := p.do("GET", "/api/views/warehouse.stock", "", nil)
		if gotView != http.StatusNotFound || gotView != unknownView || gv["type"] != uv["type"] {
			t.Fatalf("a disabled module's view: %d %v (unknown: %d %v)", gotView, gv, unknownView, uv)
		}
		status, projs := moduleState(p, "warehouse")
		if status != "disabled" || len(projs) == 0 {
			t.Fatalf("/api/modules: %s %v", status, projs)
		}
		for _, s := range projs {
			if s != "paused" {
				t.Fatalf("a disabled module's projection is %s", s)
			}
		}
		if status, _ := moduleState(p, "orders"); status != "running" {
			t.Fatalf("orders is %s", status)
		}
		if code, _, _ := p.do("GET", "/api/views/orders.list", "", nil); code != http.StatusOK {
			t.Fatalf("another module's view: %d", code)
		}
	}
	disabled(p)
	p.stop()
	p = serve(t, dir)
	disabled(p)

	if status, out, _ := p.do("PUT", "/api/settings/system/system", `{"disabledModules":null}`, nil); status != http.StatusOK {
		t.Fatalf("enable: %d %v", status, out)
	}
	p.command("warehouse.ReceiveStock", `{"sku":"DIS-1","quantity":1}`)
	p.caughtUp()
	if status, projs := moduleState(p, "warehouse"); status != "running" || strings.Contains(strings.Join(projs, ","), "paused") {
		t.Fatalf("enabled again: %s %v", status, projs)
	}
	_, page, _ := p.do("GET", "/api/views/warehouse.stock", "", nil)
	if !strings.Contains(mustText(page), `"onHand":5`) {
		t.Fatalf("the stock after resuming: %v", page)
	}
	p.stop()
}

// mustText is v as JSON text.
func mustText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
