package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/settings"
)

// TestServersFollowTheSettingsChangesOfOthers: two servers on one event
// store. Server 1 (a second kernel over the store, as another process
// would have) disables the warehouse in tenant acme; server 2, which had
// read acme's list already, answers 404 for acme's warehouse commands
// and views within a bounded time, globex keeps it, and re-enabling it
// on server 1 makes it work again on server 2. Server 2's watchers are
// told of every change of acme's document once, in version order, its
// own change too, though the feed shows that one again.
func TestServersFollowTheSettingsChangesOfOthers(t *testing.T) {
	r := newTenantRig(t)
	log := logging.New(io.Discard, 8)
	head, err := r.e.events.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	one, err := newAppWith(r.e.events, r.e.models, r.e.snapshots, log, application.Roles{}, moduleConfig{}, r.e.keys, observers{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var told []uint64
	r.e.settings.Watch(settings.CoreModule, func(d settings.Document) {
		if d.Owner == "acme" {
			mu.Lock()
			told = append(told, d.Version)
			mu.Unlock()
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := r.e.settings.Follow(ctx, r.e.events, head, 20*time.Millisecond, log)
	defer func() { cancel(); <-done }()

	sku := 0
	register := func(token string) int {
		sku++
		code, _ := r.answer("POST", "/api/commands/warehouse.RegisterItem", token,
			fmt.Sprintf(`{"sku":"FOLLOW-%d","name":"Followed","unit":"pcs","lowStockThreshold":1}`, sku))
		return code
	}
	works := func(code int) bool { return code >= 200 && code < 300 }
	if code := register(r.alice); !works(code) {
		t.Fatalf("acme's warehouse command before: %d", code)
	}
	r.settingsPut("/api/settings/system/system", r.alice, `{"smtp":{"host":"mail.acme.example"}}`) // version 1, made here

	inAcme := application.SystemPrincipal("test")
	inAcme.Tenant = "acme"
	onOne := application.WithPrincipal(context.Background(), inAcme)
	await := func(what string, ok func() bool) {
		t.Helper()
		start := time.Now()
		for !ok() {
			if time.Since(start) > 5*time.Second {
				t.Fatalf("server 2 did not learn within 5s that %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Logf("server 2 learnt that %s after %s", what, time.Since(start).Round(time.Millisecond))
	}

	if _, err := one.settings.Put(onOne, settings.System, settings.CoreModule, []byte(`{"disabledModules":["warehouse"]}`)); err != nil {
		t.Fatal(err)
	}
	await("acme disabled the warehouse", func() bool { return register(r.alice) == http.StatusNotFound })
	if code, _ := r.answer("GET", "/api/views/warehouse.stock", r.alice, ""); code != http.StatusNotFound {
		t.Errorf("acme's warehouse view on server 2: %d, want 404", code)
	}
	if code := register(r.bob); !works(code) {
		t.Errorf("globex's warehouse command on server 2: %d, want it to work", code)
	}

	if _, err := one.settings.Put(onOne, settings.System, settings.CoreModule, []byte(`{"disabledModules":[]}`)); err != nil {
		t.Fatal(err)
	}
	await("acme enabled the warehouse again", func() bool { return works(register(r.alice)) })

	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(told, []uint64{1, 2, 3}) {
		t.Errorf("server 2's watchers were told of acme's versions %v, want [1 2 3] once each", told)
	}
}
