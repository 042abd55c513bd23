package application_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// TestDisabledModulesPerTenant: a tenant's list turns the module off in
// that tenant only (the default tenant's in every one); it is read once
// with the loader, kept, and replaced by SetDisabled; Send and Go code's
// Dispatch are refused with CodeModuleDisabled, a principal's Dispatch
// and View as unknown names.
func TestDisabledModulesPerTenant(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	for _, tenant := range []string{application.DefaultTenant, "acme", "globex"} {
		seedIn(t, events, tenant, "a")
	}
	var mu sync.Mutex
	loads := map[string]int{}
	app.LoadDisabledWith(func(_ context.Context, tenant string) ([]string, error) {
		mu.Lock()
		defer mu.Unlock()
		loads[tenant]++
		if tenant == "acme" {
			return []string{"counter"}, nil
		}
		return nil, nil
	})
	send := func(tenant string) error {
		_, err := application.Send(inTenant(tenant), app, increment{ID: "a", By: 1})
		return err
	}
	for range 3 {
		if err := send("acme"); !application.IsModuleDisabled(err) || domain.KindOf(err) != domain.KindNotFound {
			t.Fatalf("Send in acme, which disabled counter: %v", err)
		}
		if err := send("globex"); err != nil {
			t.Fatalf("Send in globex: %v", err)
		}
	}
	if loads["acme"] != 1 || loads["globex"] != 1 {
		t.Fatalf("the lists were loaded %v times, want once each", loads)
	}
	body := []byte(`{"id":"a","by":1}`)
	if _, err := app.Dispatch(inTenant("acme"), "counter.Increment", body); !application.IsModuleDisabled(err) {
		t.Fatalf("Go code's Dispatch in acme: %v", err)
	}
	user := application.Principal{Kind: application.User, ID: "user:u", UserID: "u", Tenant: "acme", Grants: []string{"*"}}
	asUser := application.WithPrincipal(context.Background(), user)
	if _, err := app.Dispatch(asUser, "counter.Increment", body); application.IsModuleDisabled(err) || domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("a principal's Dispatch in acme: %v, want the unknown command's 404", err)
	}

	app.SetDisabled("acme", nil)
	if err := send("acme"); err != nil {
		t.Fatalf("Send in acme once enabled: %v", err)
	}
	app.SetDisabled(application.DefaultTenant, []string{"counter", "nope"})
	for _, tenant := range []string{"acme", "globex", application.DefaultTenant} {
		if err := send(tenant); !application.IsModuleDisabled(err) {
			t.Fatalf("Send in %s with counter off for the platform: %v", tenant, err)
		}
	}
	if !app.Disabled("counter") || app.Disabled("nope") || loads["acme"] != 1 {
		t.Fatalf("platform list: counter %v, nope %v; acme loaded %d times", app.Disabled("counter"), app.Disabled("nope"), loads["acme"])
	}
}

// TestModulesInHidesADisabledModulesCommands: a principal of a tenant
// that disabled a module sees it disabled with no commands or views (they
// answer it 404), while another tenant sees them all; the platform's list
// hides them in Modules too.
func TestModulesInHidesADisabledModulesCommands(t *testing.T) {
	t.Parallel()
	app, _ := newApp(t, nil, counterModule{name: "counter"})
	app.SetDisabled("acme", []string{"counter"})
	app.SetDisabled("globex", nil)
	counterIn := func(mods []application.ModuleStatus) application.ModuleStatus {
		t.Helper()
		for _, m := range mods {
			if m.Name == "counter" {
				return m
			}
		}
		t.Fatalf("no counter module in %v", mods)
		return application.ModuleStatus{}
	}
	in := func(tenant string) application.ModuleStatus {
		t.Helper()
		mods, err := app.ModulesIn(inTenant(tenant))
		if err != nil {
			t.Fatal(err)
		}
		return counterIn(mods)
	}
	if m := in("acme"); m.Status != application.StatusDisabled || len(m.Commands) != 0 || len(m.Views) != 0 || m.Commands == nil {
		t.Fatalf("acme sees counter %s with commands %v and views %v, want disabled with none", m.Status, m.Commands, m.Views)
	}
	if m := in("globex"); m.Status != application.StatusRunning || !slices.Contains(m.Commands, "counter.Increment") {
		t.Fatalf("globex sees counter %s with commands %v", m.Status, m.Commands)
	}
	app.SetDisabled(application.DefaultTenant, []string{"counter"})
	if m := counterIn(app.Modules()); m.Status != application.StatusDisabled || len(m.Commands) != 0 || len(m.Views) != 0 {
		t.Fatalf("with counter off for the platform, Modules shows %s, commands %v, views %v", m.Status, m.Commands, m.Views)
	}
}

// BenchmarkDisabledIn is the check every command and view query pays: a
// tenant's list already read. It must not allocate.
func BenchmarkDisabledIn(b *testing.B) {
	app, _ := newApp(b, nil, counterModule{name: "counter"})
	app.SetDisabled("acme", []string{"counter"})
	ctx := inTenant("acme")
	b.ReportAllocs()
	for b.Loop() {
		if off, err := app.DisabledIn(ctx, "acme", "counter"); !off || err != nil {
			b.Fatal(off, err)
		}
	}
}

// A refusal names its module and tenant (ModuleOff) however it was
// wrapped on its way, and stays a CodeModuleDisabled not-found error.
func TestModuleDisabledErrorNamesItsModuleAndTenant(t *testing.T) {
	err := fmt.Errorf("reserve the stock: %w", application.ModuleDisabledError("warehouse", "acme"))
	var off *application.ModuleOff
	if !errors.As(err, &off) || off.Module != "warehouse" || off.Tenant != "acme" {
		t.Fatalf("the refusal's module and tenant: %+v", off)
	}
	if !application.IsModuleDisabled(err) || domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("the refusal as a domain error: %v (kind %v)", err, domain.KindOf(err))
	}
	if want := "reserve the stock: module warehouse is disabled in tenant acme; enable it (the core setting disabledModules) and retry"; err.Error() != want {
		t.Fatalf("message %q, want %q", err.Error(), want)
	}
}
