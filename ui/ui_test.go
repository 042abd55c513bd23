package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHomeListsModulesAndLinks(t *testing.T) {
	t.Parallel()
	h := Home(func(*http.Request) Page {
		return Page{Version: "v1.2.3", Modules: []Module{
			{Name: "warehouse", Version: "0.1.0", Status: "running", Commands: []string{"warehouse.ReceiveStock"}, Views: []string{"warehouse.stock"}},
			{Name: "broken", Status: "failed", Error: "<script>boom</script>"},
		}}
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", http.NoBody))
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{
		"Web OS Engine", "v1.2.3", "warehouse.ReceiveStock",
		`href="/api/views/warehouse.stock"`, `href="/api/modules"`, `href="/healthz"`,
		"docs/architecture.md", "failed: &lt;script&gt;",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "<script>") {
		t.Error("module error text must be escaped")
	}
}
