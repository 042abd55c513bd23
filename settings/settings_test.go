package settings_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/webos-engine/webos/adapters/jsonschema"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/settings"
)

const password = "hunter2-very-secret-smtp-password"

func key(b byte) *settings.Keyring {
	k, err := settings.NewKeyring([]byte(strings.Repeat(string(rune('a'+b)), 32)))
	if err != nil {
		panic(err)
	}
	return k
}

type fixture struct {
	engine *testkit.Engine
	svc    *settings.Service
}

func newFixture(t *testing.T, keys *settings.Keyring) *fixture {
	t.Helper()
	e := testkit.NewEngineWith(t, func(d *application.Deps) { d.Authorizer = application.Roles{} })
	return onEngine(t, e, keys)
}

func onEngine(t *testing.T, e *testkit.Engine, keys *settings.Keyring) *fixture {
	t.Helper()
	svc := settings.New(e.App, keys, jsonschema.NewValidator(), jsonschema.Generate)
	e.Load(t, svc.Module())
	if err := svc.RegisterCore(); err != nil {
		t.Fatal(err)
	}
	return &fixture{engine: e, svc: svc}
}

func as(id string, grants ...string) context.Context {
	return application.WithPrincipal(context.Background(),
		application.Principal{ID: id, Kind: application.User, UserID: id, Grants: grants})
}

var admin = as("u-admin", application.AllPermissions)

func kindOf(err error) domain.Kind {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Kind
	}
	return 0
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDefaultsComeFromTheSchema(t *testing.T) {
	f := newFixture(t, key(0))
	d, err := f.svc.Get(admin, settings.System, settings.CoreModule)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, d.Values); got != `{"smtp":{"port":587},"storage":"sqlite"}` {
		t.Fatalf("values %s", got)
	}
	if d.Secrets["/smtp/password"] != settings.SecretNotSet || d.Secrets["/apiKeys"] != settings.SecretNotSet || d.Version != 0 {
		t.Fatalf("document %+v", d)
	}
	u, err := f.svc.Get(admin, settings.User, settings.CoreModule)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, u.Values); got != `{"language":"en","notifications":{"email":true,"inApp":true},"theme":"system"}` {
		t.Fatalf("user values %s", got)
	}
}

func TestAChangeIsAnEventWithOldAndNewAndTheSecretSealed(t *testing.T) {
	f := newFixture(t, key(0))
	d, err := f.svc.Put(admin, settings.System, settings.CoreModule,
		[]byte(`{"smtp":{"host":"mail.example.com","port":2525,"password":"`+password+`"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 1 || d.Secrets["/smtp/password"] != settings.SecretSet || strings.Contains(mustJSON(t, d), password) {
		t.Fatalf("document %+v", d)
	}
	evs, err := f.engine.Events.ReadStream(context.Background(), "settings.system-system-default", 0, application.Forward, 10)
	if err != nil || len(evs) != 1 {
		t.Fatalf("events %v %v", evs, err)
	}
	e := evs[0]
	if e.Actor != "u-admin" || strings.Contains(string(e.Data), password) || !strings.Contains(string(e.Data), "webos-secret:v1:"+key(0).KeyID()) {
		t.Fatalf("event %+v %s", e, e.Data)
	}
	var c settings.Changed
	if err := json.Unmarshal(e.Data, &c); err != nil {
		t.Fatal(err)
	}
	want := `[{"field":"/smtp/host","new":"mail.example.com"},{"field":"/smtp/port","old":587,"new":2525},{"field":"/smtp/password","secret":true}]`
	if got := mustJSON(t, c.Changes); got != want {
		t.Fatalf("changes %s, want %s", got, want)
	}
	plain, ok, err := f.svc.Secret(context.Background(), settings.CoreModule, settings.DefaultTenant, "/smtp/password")
	if err != nil || !ok || string(plain) != `"`+password+`"` {
		t.Fatalf("secret %q %v %v", plain, ok, err)
	}

	// Leaving the secret out keeps it; null clears it.
	if _, err := f.svc.Put(admin, settings.System, settings.CoreModule, []byte(`{"smtp":{"user":"robot"}}`)); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := f.svc.Secret(context.Background(), settings.CoreModule, settings.DefaultTenant, "/smtp/password"); !ok {
		t.Fatal("a change without the secret dropped it")
	}
	d, err = f.svc.Put(admin, settings.System, settings.CoreModule, []byte(`{"smtp":{"password":null}}`))
	if err != nil || d.Secrets["/smtp/password"] != settings.SecretNotSet || d.Values["smtp"].(map[string]any)["user"] != "robot" {
		t.Fatalf("cleared %+v %v", d, err)
	}
	// A change that changes nothing appends nothing.
	d, err = f.svc.Put(admin, settings.System, settings.CoreModule, []byte(`{"smtp":{"user":"robot"}}`))
	if err != nil || d.Version != 3 {
		t.Fatalf("no-op %+v %v", d, err)
	}
}

func TestAnInvalidChangeNamesEveryFieldAndWritesNothing(t *testing.T) {
	f := newFixture(t, key(0))
	_, err := f.svc.Put(admin, settings.System, settings.CoreModule,
		[]byte(`{"smtp":{"port":70000,"password":"x","colour":1},"storage":"floppy"}`))
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindInvalid {
		t.Fatalf("error %v", err)
	}
	var pointers []string
	for _, fe := range de.Fields {
		pointers = append(pointers, fe.Pointer)
	}
	if got := strings.Join(pointers, " "); got != "/smtp/colour /smtp/port /storage" {
		t.Fatalf("pointers %q (%v)", got, de.Fields)
	}
	if h, _ := f.engine.Events.StreamVersion(context.Background(), "settings.system-system-default"); h != 0 {
		t.Fatalf("an invalid change wrote %d events", h)
	}
	_, err = f.svc.Put(admin, settings.User, settings.CoreModule, []byte(`{"theme":"pink","language":"english"}`))
	if !errors.As(err, &de) || len(de.Fields) != 2 || de.Fields[0].Pointer != "/language" || de.Fields[1].Pointer != "/theme" {
		t.Fatalf("user error %v", err)
	}
	for _, body := range []string{`[]`, `null`, `"x"`, `{`} {
		if _, err := f.svc.Put(admin, settings.User, settings.CoreModule, []byte(body)); kindOf(err) != domain.KindInvalid {
			t.Fatalf("body %s: %v", body, err)
		}
	}
}

func TestSystemSettingsNeedTheModulesPermission(t *testing.T) {
	f := newFixture(t, key(0))
	anonymous := application.WithPrincipal(context.Background(), application.AnonymousPrincipal())
	reader := as("u-reader", application.PermissionSettingsRead)
	nobody := as("u-nobody", "warehouse.stock.read")
	body := []byte(`{"storage":"postgres"}`)
	cases := []struct {
		ctx  context.Context
		get  domain.Kind
		put  domain.Kind
		name string
	}{
		{anonymous, domain.KindUnauthenticated, domain.KindUnauthenticated, "anonymous"},
		{nobody, domain.KindForbidden, domain.KindForbidden, "without permission"},
		{reader, 0, domain.KindForbidden, "reader"},
		{as("u-auditor", application.ReadPermissions), 0, domain.KindForbidden, "auditor"},
		{as("u-op", application.PermissionSettingsManage, application.PermissionSettingsRead), 0, 0, "operator"},
	}
	for _, c := range cases {
		_, err := f.svc.Get(c.ctx, settings.System, settings.CoreModule)
		if kindOf(err) != c.get {
			t.Errorf("%s: get %v", c.name, err)
		}
		_, err = f.svc.Put(c.ctx, settings.System, settings.CoreModule, body)
		if kindOf(err) != c.put {
			t.Errorf("%s: put %v", c.name, err)
		}
	}
	if _, err := f.svc.Get(admin, settings.System, "nosuch"); kindOf(err) != domain.KindNotFound {
		t.Fatalf("unknown module: %v", err)
	}
	if _, err := f.svc.Get(anonymous, settings.User, settings.CoreModule); kindOf(err) != domain.KindUnauthenticated {
		t.Fatalf("anonymous user settings: %v", err)
	}
}

func TestUserSettingsAreEachUsersAndSystemSettingsEachTenants(t *testing.T) {
	f := newFixture(t, key(0))
	alice, bob := as("u-alice"), as("u-bob")
	if _, err := f.svc.Put(alice, settings.User, settings.CoreModule, []byte(`{"theme":"dark","notifications":{"email":false}}`)); err != nil {
		t.Fatal(err)
	}
	a, _ := f.svc.Get(alice, settings.User, settings.CoreModule)
	b, _ := f.svc.Get(bob, settings.User, settings.CoreModule)
	if a.Values["theme"] != "dark" || b.Values["theme"] != "system" || a.Owner != "u-alice" {
		t.Fatalf("alice %v bob %v", a.Values, b.Values)
	}
	if got := mustJSON(t, a.Values["notifications"]); got != `{"email":false,"inApp":true}` {
		t.Fatalf("notifications %s", got)
	}
	acme := application.WithPrincipal(context.Background(), application.Principal{ID: "u-x", Kind: application.User,
		UserID: "u-x", Tenant: "acme", Grants: []string{application.AllPermissions}})
	if _, err := f.svc.Put(acme, settings.System, settings.CoreModule, []byte(`{"storage":"postgres"}`)); err != nil {
		t.Fatal(err)
	}
	other, _ := f.svc.Get(admin, settings.System, settings.CoreModule)
	mine, _ := f.svc.Get(acme, settings.System, settings.CoreModule)
	if other.Values["storage"] != "sqlite" || mine.Values["storage"] != "postgres" || mine.Owner != "acme" {
		t.Fatalf("default tenant %v, acme %v", other.Values, mine.Values)
	}
}

func TestAWrongKeyFailsLoudlyAndWritesNothing(t *testing.T) {
	f := newFixture(t, key(0))
	if _, err := f.svc.Put(admin, settings.System, settings.CoreModule, []byte(`{"smtp":{"password":"`+password+`"}}`)); err != nil {
		t.Fatal(err)
	}
	// The same events, read by an engine holding another key.
	e := testkit.NewEngineWith(t, nil)
	evs, _ := f.engine.Events.ReadAll(context.Background(), 0, 100)
	for _, ev := range evs {
		if _, err := e.Events.Append(context.Background(), ev.StreamID, domain.AnyVersion, []domain.Envelope{ev}); err != nil {
			t.Fatal(err)
		}
	}
	wrong := onEngine(t, e, key(1))
	if _, err := wrong.svc.Get(admin, settings.System, settings.CoreModule); !errors.Is(err, settings.ErrWrongKey) {
		t.Fatalf("get with a wrong key: %v", err)
	}
	if _, err := wrong.svc.Put(admin, settings.System, settings.CoreModule, []byte(`{"storage":"postgres"}`)); !errors.Is(err, settings.ErrWrongKey) {
		t.Fatalf("put with a wrong key: %v", err)
	}
	if v, _ := e.Events.StreamVersion(context.Background(), "settings.system-system-default"); v != 1 {
		t.Fatalf("a put under a wrong key wrote: version %d", v)
	}
}

type warehouseLike struct{}

type stockSettings struct {
	LowStock int    `json:"lowStock,omitempty" jsonschema:"minimum=0,default=5"`
	Token    string `json:"token,omitempty" secret:"true"`
}

func (warehouseLike) Manifest() application.Manifest {
	return application.Manifest{Name: "depot", Version: "1.0.0", Permissions: []application.Permission{
		{Name: "depot.settings.manage", Description: "change depot settings"},
		{Name: "depot.settings.read", Description: "read depot settings", ReadOnly: true},
	}}
}
func (warehouseLike) Register(*application.Registrar) error { return nil }
func (warehouseLike) Settings() settings.Sections {
	return settings.Sections{System: stockSettings{}}
}

func TestModulesBringTheirSettingsAndPermissions(t *testing.T) {
	f := newFixture(t, key(0))
	f.engine.Load(t, warehouseLike{})
	if err := f.svc.RegisterModules([]application.Module{warehouseLike{}}); err != nil {
		t.Fatal(err)
	}
	manager := as("u-m", "depot.settings.manage", "depot.settings.read")
	d, err := f.svc.Put(manager, settings.System, "depot", []byte(`{"lowStock":2}`))
	if err != nil || d.Values["lowStock"] != json.Number("2") || d.Secrets["/token"] != settings.SecretNotSet {
		t.Fatalf("depot %+v %v", d, err)
	}
	if _, err := f.svc.Get(manager, settings.System, settings.CoreModule); kindOf(err) != domain.KindForbidden {
		t.Fatalf("depot manager read the core settings: %v", err)
	}
	var found bool
	for _, s := range f.svc.Schemas() {
		found = found || (s.Module == "depot" && s.Scope == settings.System && len(s.Secrets) == 1 && s.Secrets[0] == "/token")
	}
	if !found {
		t.Fatalf("schemas %+v", f.svc.Schemas())
	}
	type bad struct {
		Secret string `json:"secret" secret:"true"`
	}
	if err := f.svc.Register(settings.System, "bad", bad{}); err == nil {
		t.Fatal("a required secret field was accepted")
	}
}

// TestUserSettingsRespectATokensScope: a token scoped to some
// permissions reaches the user's settings only when its scope covers
// {module}.settings.user; an enrol-only session (scoped to nothing) not
// at all; an unscoped token or session does.
func TestUserSettingsRespectATokensScope(t *testing.T) {
	f := newFixture(t, key(0))
	scoped := func(scope ...string) context.Context {
		return application.WithPrincipal(context.Background(), application.Principal{ID: "token:t1", Kind: application.Token,
			UserID: "u-ada", Grants: []string{"*"}, Scope: append([]string{}, scope...)})
	}
	for _, ctx := range []context.Context{scoped("warehouse.*"), scoped()} {
		if _, err := f.svc.Put(ctx, settings.User, settings.CoreModule, []byte(`{"theme":"dark"}`)); kindOf(err) != domain.KindForbidden {
			t.Fatalf("a change through a narrow scope: %v", err)
		}
		if _, err := f.svc.Get(ctx, settings.User, settings.CoreModule); kindOf(err) != domain.KindForbidden {
			t.Fatalf("a read through a narrow scope: %v", err)
		}
	}
	for _, ctx := range []context.Context{scoped("system.settings.user"), scoped("system.*"), as("u-ada")} {
		if _, err := f.svc.Put(ctx, settings.User, settings.CoreModule, []byte(`{"theme":"dark"}`)); err != nil {
			t.Fatalf("a change through a wide scope: %v", err)
		}
	}
}

// TestSettingsStreamsNameTheirOwner: the engine learns from a settings
// stream's id whose it is: a system settings stream its tenant's (the
// default tenant's too, as written before tenants), a user settings
// stream its user's; a module name with '-', which would make the ids
// ambiguous, is refused.
func TestSettingsStreamsNameTheirOwner(t *testing.T) {
	f := newFixture(t, key(0))
	for id, want := range map[string]application.StreamOwner{
		"settings.system-system-acme":         {Tenant: "acme"},
		"settings.system-warehouse-default":   {Tenant: application.DefaultTenant},
		"settings.system-my_mod-a-b-c":        {Tenant: "a-b-c"},
		"settings.user-system-u-42":           {User: "u-42"},
		"settings.system-system-Not~A~Tenant": {Tenant: "Tenant", Mixed: true}, // no tenant name: SplitTenantKey decides
		"settings.other":                      {Tenant: application.DefaultTenant, Mixed: true},
	} {
		if got := f.engine.App.StreamOwner(id); got != want {
			t.Errorf("%s: %+v, want %+v", id, got, want)
		}
	}
	type depot struct {
		Note string `json:"note,omitempty"`
	}
	if err := f.svc.Register(settings.System, "my-depot", depot{}); err == nil {
		t.Error("a module name with '-' was accepted")
	}
}
