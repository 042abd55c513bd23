package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/application"
)

// answer sends a request with token and returns the status and the
// problem code of an error answer ("" for a success).
func (r *tenantRig) answer(method, path, token, body string) (int, string) {
	r.t.Helper()
	req, err := http.NewRequest(method, r.srv.URL+path, strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, _ := io.ReadAll(res.Body)
	var p struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(raw, &p)
	return res.StatusCode, p.Code
}

// settingsPut changes the settings at path as token, or fails the test.
func (r *tenantRig) settingsPut(path, token, body string) {
	r.t.Helper()
	if code, problem := r.answer("PUT", path, token, body); code != http.StatusOK {
		r.t.Fatalf("PUT %s %s: %d %s", path, body, code, problem)
	}
}

// TestEachTenantReadsItsOwnSettingsStreams: acme's administrator reads
// the history of acme's system settings at GET /api/streams, from any
// version; globex's, and a principal of the default tenant, get the 404
// of a missing stream for it, also past its end and backwards, so its
// version does not leak; a user's settings stream is that user's alone.
func TestEachTenantReadsItsOwnSettingsStreams(t *testing.T) {
	r := newTenantRig(t)
	ctx := asSystem(context.Background(), "test")
	carol := r.adminOf(ctx, "carol@acme.example", "acme")
	dave := r.adminOf(ctx, "dave@default.example", application.DefaultTenant)
	r.settingsPut("/api/settings/system/system", r.alice, `{"smtp":{"host":"mail.acme.example"}}`)
	r.settingsPut("/api/settings/system/system", r.alice, `{"smtp":{"port":2525}}`)
	r.settingsPut("/api/settings/system/system", r.bob, `{"smtp":{"host":"mail.globex.example"}}`)
	r.settingsPut("/api/settings/user/system", r.alice, `{"theme":"dark"}`)

	acme, globex := "settings.system-system-acme", "settings.system-system-globex"
	var page struct {
		Version uint64            `json:"version"`
		Events  []json.RawMessage `json:"events"`
	}
	for query, want := range map[string]int{"": 2, "?from=2": 1, "?from=9": 0, "?direction=backward&limit=1": 1} {
		if code := r.call("GET", "/api/streams/"+acme+query, r.alice, "", &page); code != http.StatusOK || page.Version != 2 || len(page.Events) != want {
			t.Errorf("alice reads acme's settings stream%s: %d, version %d, %d events; want 200, 2, %d", query, code, page.Version, len(page.Events), want)
		}
	}
	if code := r.call("GET", "/api/streams/"+globex, r.bob, "", &page); code != http.StatusOK || page.Version != 1 {
		t.Errorf("bob reads globex's settings stream: %d, version %d", code, page.Version)
	}
	for _, query := range []string{"", "?from=2", "?from=3", "?from=1000", "?direction=backward", "?direction=backward&from=1000", "?limit=1"} {
		for who, token := range map[string]string{"bob (globex)": r.bob, "dave (default)": dave} {
			if code, problem := r.answer("GET", "/api/streams/"+acme+query, token, ""); code != http.StatusNotFound || problem != "unknown_stream" {
				t.Errorf("%s reads acme's settings stream%s: %d %s, want 404 unknown_stream", who, query, code, problem)
			}
		}
		if code, problem := r.answer("GET", "/api/streams/"+globex+query, r.alice, ""); code != http.StatusNotFound || problem != "unknown_stream" {
			t.Errorf("alice reads globex's settings stream%s: %d %s, want 404 unknown_stream", query, code, problem)
		}
	}
	// A stream never written answers the same.
	if code, problem := r.answer("GET", "/api/streams/settings.system-warehouse-acme", r.alice, ""); code != http.StatusNotFound || problem != "unknown_stream" {
		t.Errorf("an unwritten settings stream: %d %s", code, problem)
	}

	acc, ok := r.e.directory.AccountByEmail(ctx, "alice@acme.example")
	if !ok {
		t.Fatal("no alice")
	}
	own := "settings.user-system-" + acc.ID
	if code := r.call("GET", "/api/streams/"+url.PathEscape(own), r.alice, "", &page); code != http.StatusOK || page.Version != 1 {
		t.Errorf("alice reads her user settings stream: %d, version %d", code, page.Version)
	}
	for who, token := range map[string]string{"carol (acme)": carol, "bob (globex)": r.bob, "dave (default)": dave} {
		for _, query := range []string{"", "?from=5"} {
			if code, problem := r.answer("GET", "/api/streams/"+url.PathEscape(own)+query, token, ""); code != http.StatusNotFound || problem != "unknown_stream" {
				t.Errorf("%s reads alice's user settings stream%s: %d %s, want 404 unknown_stream", who, query, code, problem)
			}
		}
	}
}

// TestATenantDisablesAModuleForItselfOnly: acme disabling warehouse
// makes acme's warehouse commands and views answer like unknown ones
// (after acme had used them, so nothing stale is kept), while globex's
// keep working and the projections keep running; enabling it again
// brings them back.
func TestATenantDisablesAModuleForItselfOnly(t *testing.T) {
	r := newTenantRig(t)
	receive := `{"sku":"CHAIR-OAK","quantity":1}`
	if code, problem := r.answer("POST", "/api/commands/warehouse.ReceiveStock", r.alice, receive); code != http.StatusOK {
		t.Fatalf("acme receives stock while enabled: %d %s", code, problem)
	}
	r.settingsPut("/api/settings/system/system", r.alice, `{"disabledModules":["warehouse"]}`)
	off := func() {
		t.Helper()
		for _, c := range []struct{ method, path, body, problem string }{
			{"POST", "/api/commands/warehouse.ReceiveStock", receive, "unknown_command"},
			{"POST", "/api/commands/warehouse.RegisterItem", `{"sku":"NEW-1","name":"New","unit":"pcs","lowStockThreshold":1}`, "unknown_command"},
			{"GET", "/api/views/warehouse.stock", "", "unknown_view"},
		} {
			if code, problem := r.answer(c.method, c.path, r.alice, c.body); code != http.StatusNotFound || problem != c.problem {
				t.Errorf("acme %s %s: %d %s, want 404 %s", c.method, c.path, code, problem, c.problem)
			}
		}
		if code, problem := r.answer("GET", "/api/views/orders.list", r.alice, ""); code != http.StatusOK {
			t.Errorf("acme's other modules: %d %s", code, problem)
		}
		if code, problem := r.answer("POST", "/api/commands/warehouse.RegisterItem", r.bob,
			`{"sku":"G-`+time.Now().Format("150405.000000")+`","name":"Globex","unit":"pcs","lowStockThreshold":1}`); code != http.StatusOK {
			t.Errorf("globex's warehouse command: %d %s", code, problem)
		}
		if code, problem := r.answer("GET", "/api/views/warehouse.stock", r.bob, ""); code != http.StatusOK {
			t.Errorf("globex's warehouse view: %d %s", code, problem)
		}
		if r.e.app.Disabled("warehouse") {
			t.Error("acme's setting turned warehouse off for the platform")
		}
		// acme is not shown the commands and views that answer it 404.
		for token, want := range map[string]string{r.alice: "disabled", r.bob: "running"} {
			var st struct {
				Modules []struct {
					Name, Status    string
					Commands, Views []string
				} `json:"modules"`
			}
			r.call("GET", "/api/modules", token, "", &st)
			got, listed := "", false
			for _, m := range st.Modules {
				if m.Name == "warehouse" {
					got, listed = m.Status, len(m.Commands) > 0 || len(m.Views) > 0
				}
			}
			if got != want || listed != (want == "running") {
				t.Errorf("/api/modules shows warehouse %q (commands or views listed: %v), want %q", got, listed, want)
			}
		}
	}
	off()
	// As at a restart: the lists are read again, acme's from its stream.
	if err := r.e.enforceDisabledModules(context.Background()); err != nil {
		t.Fatal(err)
	}
	off()
	r.settingsPut("/api/settings/system/system", r.alice, `{"disabledModules":null}`)
	if code, problem := r.answer("POST", "/api/commands/warehouse.ReceiveStock", r.alice, receive); code != http.StatusOK {
		t.Errorf("acme receives stock once enabled again: %d %s", code, problem)
	}
}

// TestASagaCannotSendToAModuleDisabledInItsTenant: the fulfilment of an
// order of acme, whose tenant disabled warehouse, fails at its stock
// reservation at once (one attempt, no retry, no compensation), visibly
// in sagas.instances with the reason.
func TestASagaCannotSendToAModuleDisabledInItsTenant(t *testing.T) {
	r := newTenantRig(t)
	r.settingsPut("/api/settings/system/system", r.alice, `{"disabledModules":["warehouse"]}`)
	ctx, stop := context.WithCancel(context.Background())
	wait, err := startSagas(ctx, r.e, logging.New(io.Discard, 8))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { stop(); wait() }()
	var doc struct {
		ID, Status, Reason string
	}
	for deadline := time.Now().Add(20 * time.Second); ; {
		if err := r.e.projections.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		var page struct {
			Items []json.RawMessage `json:"items"`
		}
		r.call("GET", "/api/views/sagas.instances?filter[key]=ACME-1", r.alice, "", &page)
		if len(page.Items) == 1 {
			_ = json.Unmarshal(page.Items[0], &doc)
			if doc.Status != "running" {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the instance of ACME-1 is still %+v", doc)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if doc.Status != "failed" || !strings.Contains(doc.Reason, "module warehouse is disabled in tenant acme") {
		t.Fatalf("the instance of ACME-1: %+v, want failed for the disabled module", doc)
	}
	events, err := r.e.events.ReadStream(ctx, doc.ID, 0, application.Forward, 0)
	if err != nil {
		t.Fatal(err)
	}
	failures := 0
	for _, e := range events {
		switch e.Type {
		case "sagas.StepFailed":
			failures++
		case "sagas.TimerScheduled", "sagas.CompensationStarted":
			t.Errorf("the refused step led to %s", e.Type)
		}
	}
	if failures != 1 {
		t.Errorf("%d failed steps, want the one refused", failures)
	}
}
