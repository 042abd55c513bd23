package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/httpapi"
	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/identity"
	ordcontract "github.com/webos-engine/webos/modules/orders/contract"
)

// tenantRig is an engine whose demo data was seeded in the tenant acme,
// with an administrator of acme (alice) and one of globex (bob), each
// holding a token of their tenant, behind the HTTP API.
type tenantRig struct {
	t          *testing.T
	e          *engine
	srv        *httptest.Server
	alice, bob string
	// acme holds, per field name, the values acme's documents hold: what
	// bob tries to reach.
	acme map[string][]string
}

func newTenantRig(t *testing.T) *tenantRig {
	t.Helper()
	e, err := openEngine(commonFlags{dataDir: t.TempDir()}, logging.New(io.Discard, 8))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.close() })
	ctx := asSystem(context.Background(), "test")
	if err := e.enforceDisabledModules(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := &tenantRig{t: t, e: e, acme: map[string][]string{}}
	r.alice, r.bob = r.adminOf(ctx, "alice@acme.example", "acme"), r.adminOf(ctx, "bob@globex.example", "globex")
	seeder := application.SystemPrincipal("test")
	seeder.Tenant = "acme"
	inAcme := application.WithPrincipal(context.Background(), seeder)
	if n, err := e.app.SeedDemo(inAcme, e.modules); err != nil || n == 0 {
		t.Fatalf("seeding acme: %d batches, %v", n, err)
	}
	for _, id := range []string{"ACME-1", "ACME-2"} {
		if _, err := application.Send(inAcme, e.app, ordcontract.PlaceOrder{OrderID: id, CustomerID: "C-" + id, Currency: "EUR",
			Lines: []ordcontract.Line{{SKU: "CHAIR-OAK", Quantity: 1, UnitPrice: 1999}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.projections.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	r.srv = httptest.NewServer(httpapi.New(httpapi.Config{App: e.app, Events: e.events, Auth: e.auth, Settings: e.settings,
		Logger: logging.New(io.Discard, 8), AllowedHosts: []string{"*"}}))
	t.Cleanup(r.srv.Close)
	return r
}

// adminOf creates, working in tenant, an administrator who therefore
// belongs to tenant only, and returns a token of theirs.
func (r *tenantRig) adminOf(ctx context.Context, email, tenant string) string {
	r.t.Helper()
	in := application.SystemPrincipal("test")
	in.Tenant = tenant
	ctx = application.WithPrincipal(ctx, in)
	if _, err := r.e.createUser(ctx, email, "", []string{identity.RoleAdmin}); err != nil {
		r.t.Fatal(err)
	}
	acc, _ := r.e.directory.AccountByEmail(ctx, email)
	if !slices.Equal(acc.TenantList(), []string{tenant}) {
		r.t.Fatalf("%s works in %v, want %s only", email, acc.TenantList(), tenant)
	}
	tok, err := r.e.auth.IssueToken(ctx, acc.ID, "tenants", nil, time.Hour)
	if err != nil {
		r.t.Fatal(err)
	}
	return tok.Secret
}

// call sends a request with token and decodes a JSON answer into out.
func (r *tenantRig) call(method, path, token, body string, out any) int {
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
	if out != nil && res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, out); err != nil {
			r.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return res.StatusCode
}

type page struct {
	Items []map[string]any `json:"items"`
	Next  string           `json:"next"`
}

// views lists every registered view.
func (r *tenantRig) views() []application.View {
	var out []application.View
	for _, m := range r.e.app.Modules() {
		for _, name := range m.Views {
			v, err := r.e.app.View(asSystem(context.Background(), "test"), name)
			if err != nil {
				r.t.Fatal(err)
			}
			out = append(out, v)
		}
	}
	return out
}

// TestTenantsSeeNothingOfEachOther is generated from the registry: every
// view of every module is read by a user of globex, plainly and with
// filters on every field holding acme's values, every sort, and acme's
// own cursors, and answers no document of acme's (none at all but the
// shared identity module's views, which show globex's own users, roles
// and tokens);
// every stream acme wrote is 404 to globex; and every command of every
// module sent by globex with acme's keys appends nothing to acme: it
// finds nothing (404), or acts on globex's own aggregate of the same key.
func TestTenantsSeeNothingOfEachOther(t *testing.T) {
	t.Parallel()
	r := newTenantRig(t)
	seen := 0
	alice := identity.UserID("alice@acme.example")
	for _, v := range r.views() {
		shared := strings.HasPrefix(v.Name, "identity.")
		path := "/api/views/" + v.Name
		var mine page
		if code := r.call("GET", path+"?limit=2", r.alice, "", &mine); code != http.StatusOK {
			t.Fatalf("alice GET %s: %d", path, code)
		}
		if len(mine.Items) > 0 {
			seen++
		}
		for _, item := range mine.Items {
			if item[application.TenantField] != "acme" {
				t.Errorf("%s: acme's document %v is not stamped acme", v.Name, item)
			}
			for _, f := range v.Collection.Fields {
				if s, ok := item[f.Name].(string); ok && f.Type == application.String {
					r.acme[f.Name] = append(r.acme[f.Name], s)
				}
			}
		}
		queries := []string{"", "?limit=1000"}
		if mine.Next != "" {
			queries = append(queries, "?limit=1&cursor="+url.QueryEscape(mine.Next))
		}
		for _, f := range v.Collection.Fields {
			queries = append(queries, "?sort="+f.Name, "?sort=-"+f.Name)
			for _, item := range mine.Items {
				if s, ok := item[f.Name].(string); ok && f.Type == application.String {
					queries = append(queries, "?filter["+f.Name+"]="+url.QueryEscape(s),
						"?filter["+f.Name+"][prefix]="+url.QueryEscape(s[:min(1, len(s))]))
				}
			}
		}
		for _, q := range queries {
			var theirs page
			code := r.call("GET", path+q, r.bob, "", &theirs)
			if code != http.StatusOK || len(theirs.Items) != 0 && !shared {
				t.Errorf("bob of globex GET %s%s: %d with %d items, want 200 and none", path, q, code, len(theirs.Items))
			}
			for _, item := range theirs.Items {
				raw, _ := json.Marshal(item)
				if item[application.TenantField] != "globex" || strings.Contains(string(raw), alice) || strings.Contains(string(raw), "alice@") {
					t.Errorf("bob of globex GET %s%s: %s is acme's", path, q, raw)
				}
			}
		}
	}
	if seen < 4 {
		t.Fatalf("only %d of acme's views show documents: the table tests little", seen)
	}
	r.streamsAre404()
	r.commandsLeaveAcmeAlone()
}

// acmeStreams are the ids and versions of every stream acme wrote, but
// the shared modules'.
func (r *tenantRig) acmeStreams() map[string]uint64 {
	r.t.Helper()
	evs, err := r.e.events.ReadAll(context.Background(), 0, 100_000)
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]uint64{}
	for _, e := range evs {
		shared := strings.HasPrefix(e.StreamID, "identity.") || strings.HasPrefix(e.StreamID, "settings.")
		if e.Tenant == "acme" && !shared {
			out[e.StreamID] = max(out[e.StreamID], e.StreamVersion)
		}
	}
	return out
}

func (r *tenantRig) streamsAre404() {
	r.t.Helper()
	streams := r.acmeStreams()
	if len(streams) < 3 {
		r.t.Fatalf("acme wrote %d streams", len(streams))
	}
	for id := range streams {
		if tenant, _ := application.SplitTenantKey(id); tenant != "acme" {
			r.t.Errorf("acme's event in stream %s, which is not acme's", id)
		}
		if code := r.call("GET", "/api/streams/"+url.PathEscape(id), r.alice, "", nil); code != http.StatusOK {
			r.t.Errorf("alice GET her stream %s: %d", id, code)
		}
		if code := r.call("GET", "/api/streams/"+url.PathEscape(id), r.bob, "", nil); code != http.StatusNotFound {
			r.t.Errorf("bob GET acme's stream %s: %d, want 404", id, code)
		}
		_, logical := application.SplitTenantKey(id)
		if code := r.call("GET", "/api/streams/"+url.PathEscape(logical), r.bob, "", nil); code != http.StatusNotFound {
			r.t.Errorf("bob GET %s (acme's id without the tenant): %d, want 404", logical, code)
		}
	}
}

// commandsLeaveAcmeAlone sends every command of every module not shared
// as bob, with bodies filled from acme's documents, and checks that
// acme's streams did not move and that whatever bob changed is globex's.
func (r *tenantRig) commandsLeaveAcmeAlone() {
	r.t.Helper()
	before := r.acmeStreams()
	sent, missing := 0, 0
	for _, c := range r.e.app.Commands() {
		if strings.HasPrefix(c.Name, "identity.") || strings.HasPrefix(c.Name, "settings.") {
			continue // shared: platform administration (docs/tenants.md)
		}
		for _, body := range r.bodies(c.Type) {
			var res application.Result
			code := r.call("POST", "/api/commands/"+c.Name, r.bob, body, &res)
			sent++
			switch {
			case code == http.StatusNotFound:
				missing++
			case code == http.StatusUnauthorized || code == http.StatusForbidden:
				r.t.Errorf("bob, an administrator, POST %s: %d", c.Name, code)
			case code == http.StatusOK && res.Stream != "":
				if tenant, _ := application.SplitTenantKey(res.Stream); tenant != "globex" {
					r.t.Errorf("bob POST %s %s changed %s, not globex's", c.Name, body, res.Stream)
				}
			}
		}
	}
	if after := r.acmeStreams(); !reflect.DeepEqual(after, before) {
		r.t.Errorf("acme's streams moved while globex sent commands:\nbefore %v\nafter  %v", before, after)
	}
	if sent < 10 || missing < 5 {
		r.t.Fatalf("%d commands sent, %d of them on an aggregate only acme has (404): too few", sent, missing)
	}
}

// bodies are JSON bodies of command type t: each string field takes, in
// turn, each value acme's documents hold under the same name (the SKU,
// the order id), other fields a plain value.
func (r *tenantRig) bodies(t reflect.Type) []string {
	var out []string
	for i := range max(1, r.most(t)) {
		raw, err := json.Marshal(r.fill(t, i))
		if err != nil {
			r.t.Fatal(err)
		}
		out = append(out, string(raw))
	}
	return slices.Compact(out)
}

// most is how many acme values the string fields of t can take.
func (r *tenantRig) most(t reflect.Type) int {
	n := 0
	if t.Kind() == reflect.Struct {
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			n = max(n, len(r.acme[name]), r.most(t.Field(i).Type))
		}
	}
	return n
}

func (r *tenantRig) fill(t reflect.Type, i int) any {
	switch t.Kind() {
	case reflect.Struct:
		m := map[string]any{}
		for k := range t.NumField() {
			f := t.Field(k)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			if f.Type.Kind() == reflect.String {
				if vals := r.acme[name]; len(vals) > 0 {
					m[name] = vals[i%len(vals)]
					continue
				}
			}
			m[name] = r.fill(f.Type, i)
		}
		return m
	case reflect.Slice:
		return []any{r.fill(t.Elem(), i)}
	case reflect.Map:
		return map[string]any{}
	case reflect.String:
		return "x1"
	case reflect.Bool:
		return false
	case reflect.Pointer:
		return r.fill(t.Elem(), i)
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64, reflect.Float64:
		return 1
	}
	return nil
}

// TestASessionWorksInOneTenantAtATime: a user of two tenants signs in to
// the first, switches to the other (only to one it belongs to) and sees
// that tenant's data; removed from it, the session falls back to the
// first tenant and a token issued in it stops working.
func TestASessionWorksInOneTenantAtATime(t *testing.T) {
	t.Parallel()
	r := newTenantRig(t)
	ctx := asSystem(context.Background(), "test")
	if _, err := r.e.createUser(ctx, "carol@example.com", "", []string{identity.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	acc, _ := r.e.directory.AccountByEmail(ctx, "carol@example.com")
	if _, err := application.Send(ctx, r.e.app, identity.AddToTenant{UserID: acc.ID, Tenant: "acme"}); err != nil {
		t.Fatal(err)
	}
	if err := r.e.auth.SetPassword(ctx, acc.ID, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	csrf := ""
	send := func(method, path, body string, out any) int {
		t.Helper()
		req, _ := http.NewRequest(method, r.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = res.Body.Close() }()
		if out != nil {
			_ = json.NewDecoder(res.Body).Decode(out)
		}
		return res.StatusCode
	}
	var in struct {
		Principal application.Principal `json:"principal"`
		CSRFToken string                `json:"csrfToken"`
	}
	if code := send("POST", "/api/auth/login", `{"email":"carol@example.com","password":"correct horse battery"}`, &in); code != http.StatusOK {
		t.Fatalf("login: %d", code)
	}
	csrf = in.CSRFToken
	if in.Principal.Tenant != application.DefaultTenant || !slices.Equal(in.Principal.Tenants, []string{application.DefaultTenant, "acme"}) {
		t.Fatalf("signed in to %q of %v, want default of [default acme]", in.Principal.Tenant, in.Principal.Tenants)
	}
	stock := func() int {
		var p page
		if code := send("GET", "/api/views/warehouse.stock", "", &p); code != http.StatusOK {
			t.Fatalf("stock: %d", code)
		}
		return len(p.Items)
	}
	if n := stock(); n != 0 {
		t.Fatalf("the default tenant shows %d of acme's items", n)
	}
	for _, bad := range []string{"globex", "Acme", "", "acme~x"} {
		if code := send("POST", "/api/auth/tenant", `{"tenant":"`+bad+`"}`, nil); code != http.StatusNotFound {
			t.Errorf("switch to %q: %d, want 404", bad, code)
		}
	}
	csrf = ""
	if code := send("POST", "/api/auth/tenant", `{"tenant":"acme"}`, nil); code != http.StatusForbidden {
		t.Errorf("switch without the CSRF token: %d, want 403", code)
	}
	csrf = in.CSRFToken
	if code := send("POST", "/api/auth/tenant", `{"tenant":"acme"}`, &in); code != http.StatusOK || in.Principal.Tenant != "acme" {
		t.Fatalf("switch to acme: %d, now in %q", code, in.Principal.Tenant)
	}
	// Carol is admin in default, not in acme: a role holds in the tenant
	// it was granted in only.
	if len(in.Principal.Grants) != 0 {
		t.Fatalf("in acme carol holds %v, granted nothing there", in.Principal.Grants)
	}
	for _, path := range []string{"/api/views/warehouse.stock", "/api/views/identity.users", "/api/modules"} {
		if code := send("GET", path, "", nil); code != http.StatusForbidden {
			t.Fatalf("%s in acme, where carol holds no role: %d, want 403", path, code)
		}
	}
	if code := send("POST", "/api/commands/identity.GrantRole", `{"userId":"`+acc.ID+`","role":"admin"}`, nil); code != http.StatusForbidden {
		t.Fatalf("carol granting herself admin in acme: %d, want 403", code)
	}
	inAcme := application.SystemPrincipal("test")
	inAcme.Tenant = "acme"
	if _, err := application.Send(application.WithPrincipal(context.Background(), inAcme), r.e.app, identity.GrantRole{UserID: acc.ID, Role: identity.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if n := stock(); n < 3 {
		t.Fatalf("acme shows %d items after the switch", n)
	}
	var tok struct {
		Token  string `json:"token"`
		Tenant string `json:"tenant"`
	}
	if code := send("POST", "/api/auth/tokens", `{"name":"ci","expiresIn":"1h"}`, &tok); code != http.StatusOK && code != http.StatusCreated || tok.Tenant != "acme" {
		t.Fatalf("token issued in acme: %d %+v", code, tok)
	}
	if code := r.call("GET", "/api/views/warehouse.stock", tok.Token, "", nil); code != http.StatusOK {
		t.Fatalf("acme's token: %d", code)
	}
	if _, err := application.Send(ctx, r.e.app, identity.RemoveFromTenant{UserID: acc.ID, Tenant: "acme"}); err != nil {
		t.Fatal(err)
	}
	if code := send("GET", "/api/auth/session", "", &in); code != http.StatusOK || in.Principal.Tenant != application.DefaultTenant {
		t.Fatalf("after removal from acme: %d, in %q; want back in default", code, in.Principal.Tenant)
	}
	if n := stock(); n != 0 {
		t.Fatalf("removed from acme, the session still shows %d of its items", n)
	}
	if code := r.call("GET", "/api/views/warehouse.stock", tok.Token, "", nil); code != http.StatusUnauthorized {
		t.Fatalf("acme's token after removal from acme: %d, want 401", code)
	}
}

// TestATenantsAdministratorManagesItsOwnUsersOnly: identity is shared,
// but globex's administrator can neither join acme (and then switch into
// it) nor change acme's users: both answer 404 as for a missing tenant
// or user, and nothing is written. acme's administrator manages acme's.
func TestATenantsAdministratorManagesItsOwnUsersOnly(t *testing.T) {
	t.Parallel()
	r := newTenantRig(t)
	ctx := context.Background()
	alice, _ := r.e.directory.AccountByEmail(ctx, "alice@acme.example")
	bob, _ := r.e.directory.AccountByEmail(ctx, "bob@globex.example")
	head := func() uint64 {
		h, err := r.e.events.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	before := head()
	for _, c := range []struct{ command, body string }{
		{"identity.AddToTenant", `{"userId":"` + bob.ID + `","tenant":"acme"}`},
		{"identity.RemoveFromTenant", `{"userId":"` + alice.ID + `","tenant":"acme"}`},
		{"identity.DisableUser", `{"userId":"` + alice.ID + `"}`},
		{"identity.RevokeRole", `{"userId":"` + alice.ID + `","role":"admin"}`},
		{"identity.RenameUser", `{"userId":"` + alice.ID + `","displayName":"Mallory"}`},
		{"identity.AddToTenant", `{"userId":"` + alice.ID + `","tenant":"acme"}`},
	} {
		if code := r.call("POST", "/api/commands/"+c.command, r.bob, c.body, nil); code != http.StatusNotFound {
			t.Errorf("bob (globex) %s %s: %d, want 404", c.command, c.body, code)
		}
	}
	if after := head(); after != before {
		t.Errorf("refused commands wrote events: head %d -> %d", before, after)
	}
	if acc, _ := r.e.directory.AccountByEmail(ctx, "bob@globex.example"); !slices.Equal(acc.TenantList(), []string{"globex"}) {
		t.Errorf("bob belongs to %v, want globex only", acc.TenantList())
	}
	if code := r.call("POST", "/api/commands/identity.AddToTenant", r.alice,
		`{"userId":"`+bob.ID+`","tenant":"acme"}`, nil); code != http.StatusNotFound {
		t.Errorf("alice (acme) adding globex's bob: %d, want 404 (bob is not acme's user)", code)
	}
	if code := r.call("POST", "/api/commands/identity.RenameUser", r.alice,
		`{"userId":"`+alice.ID+`","displayName":"Alice A."}`, nil); code != http.StatusOK {
		t.Errorf("alice renaming herself: %d, want 200", code)
	}
}
