package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/projections"
)

func TestModules(t *testing.T) {
	h := newHarness(t)
	h.do("POST", "/api/commands/stock.Create", `{"item":"A"}`)
	body := decode[struct {
		Modules     []application.ModuleStatus `json:"modules"`
		Projections []projections.Status       `json:"projections"`
	}](t, h.do("GET", "/api/modules", ""))
	if len(body.Modules) != 1 || body.Modules[0].Name != "stock" || body.Modules[0].Status != application.StatusRunning ||
		len(body.Modules[0].Commands) != 5 {
		t.Errorf("modules %+v", body.Modules)
	}
	// Nothing projected yet: the lag shows the stored event.
	if len(body.Projections) != 1 || body.Projections[0].Name != "stock.items" || body.Projections[0].Lag != 1 {
		t.Errorf("projections %+v", body.Projections)
	}
}

func TestHealth(t *testing.T) {
	h := newHarness(t)
	rec := h.do("GET", "/healthz", "")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"ok"`) {
		t.Errorf("healthz %d %s", rec.Code, rec.Body)
	}
	if rec := h.do("GET", "/readyz", ""); rec.Code != http.StatusOK {
		t.Errorf("readyz %d %s", rec.Code, rec.Body)
	}
	h.ready.Store(false)
	rec = h.do("GET", "/readyz", "")
	checkProblem(t, rec, http.StatusServiceUnavailable, "not_ready")
	if strings.Contains(rec.Body.String(), "secret") || !strings.Contains(h.logs.String(), "/var/secret") {
		t.Errorf("the reason must be logged, not shown: %s", rec.Body)
	}
	if rec := h.do("GET", "/healthz", ""); rec.Code != http.StatusOK {
		t.Errorf("healthz must not depend on readiness: %d", rec.Code)
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	h := newHarness(t)
	p := checkProblem(t, h.do("GET", "/api/nothing", ""), http.StatusNotFound, "unknown_route")
	if p.Instance != "/api/nothing" {
		t.Errorf("instance %q", p.Instance)
	}
	checkProblem(t, h.do("GET", "/api/modules/", ""), http.StatusNotFound, "unknown_route")
	rec := h.do("DELETE", "/api/modules", "")
	checkProblem(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
	if rec.Header().Get("Allow") != "GET" {
		t.Errorf("Allow %q", rec.Header().Get("Allow"))
	}
	checkProblem(t, h.do("GET", "/api/commands/stock.Create", ""), http.StatusMethodNotAllowed, "method_not_allowed")
}

func TestRequestIDAndAccessLog(t *testing.T) {
	tests := []struct {
		name, sent string
		echoed     bool
	}{
		{"echoed", "req-42", true},
		{"generated when absent", "", false},
		{"replaced when too long", strings.Repeat("x", 129), false},
		{"replaced when it has spaces", "a b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			rec := h.do("GET", "/api/views/stock.nope", "", "X-Request-ID", tt.sent)
			id := rec.Header().Get("X-Request-ID")
			if (id == tt.sent) != tt.echoed || id == "" {
				t.Fatalf("X-Request-ID %q for %q", id, tt.sent)
			}
			if p := decode[problemBody](t, rec); p.RequestID != id {
				t.Errorf("problem requestId %q, header %q", p.RequestID, id)
			}
			line := accessLine(t, h.logs.String())
			want := map[string]any{"method": "GET", "path": "/api/views/stock.nope", "status": 404.0, "request_id": id, "correlation_id": id}
			for k, v := range want {
				if line[k] != v {
					t.Errorf("access log %s = %v, want %v (line %v)", k, line[k], v, line)
				}
			}
			if _, ok := line["duration_ms"].(float64); !ok {
				t.Errorf("access log has no duration: %v", line)
			}
		})
	}
}

// accessLine returns the one "http request" record in logs.
func accessLine(t *testing.T, logs string) map[string]any {
	t.Helper()
	var found []map[string]any
	for l := range strings.Lines(logs) {
		var rec map[string]any
		if json.Unmarshal([]byte(l), &rec) == nil && rec["msg"] == "http request" {
			found = append(found, rec)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one access line, got %d in %s", len(found), logs)
	}
	return found[0]
}
