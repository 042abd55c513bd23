package httpapi_test

import (
	"context"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

type resultBody struct {
	Stream   string   `json:"stream"`
	Version  uint64   `json:"version"`
	Position uint64   `json:"position"`
	Events   []string `json:"events"`
}

func TestCommandHappyPath(t *testing.T) {
	h := newHarness(t)
	rec := h.do("POST", "/api/commands/stock.Create", `{"item":"ABC-1"}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	res := decode[resultBody](t, rec)
	if res.Stream != "stock.item-ABC-1" || res.Version != 1 || res.Position != 1 || len(res.Events) != 1 {
		t.Errorf("result %+v", res)
	}
	if et := rec.Header().Get("ETag"); et != `"1"` {
		t.Errorf("ETag %q, want \"1\"", et)
	}
	// A charset and other parameters are fine.
	rec = h.do("POST", "/api/commands/stock.Receive", `{"item":"ABC-1","qty":1}`, "Content-Type", "application/json; charset=UTF-8; v=1")
	if rec.Code != http.StatusOK {
		t.Fatalf("with parameters: status %d: %s", rec.Code, rec.Body)
	}
}

func TestCommandErrors(t *testing.T) {
	big := `{"item":"` + strings.Repeat("x", 1<<20) + `"}`
	tests := []struct {
		name, cmd, body string
		headers         []string
		status          int
		code, pointer   string
	}{
		{"malformed JSON", "stock.Create", `{"item":`, nil, 400, "invalid", ""},
		{"schema: extra field", "stock.Create", `{"item":"A","colour":"red"}`, nil, 400, "invalid", "/colour"},
		{"unknown command", "stock.Nope", `{}`, nil, 404, "unknown_command", ""},
		{"missing aggregate", "stock.Receive", `{"item":"none","qty":1}`, nil, 404, "not_found", ""},
		{"already exists", "stock.Create", `{"item":"A"}`, nil, 409, "already_exists", ""},
		{"stale If-Match", "stock.Receive", `{"item":"A","qty":1}`, []string{"If-Match", `"7"`}, 409, "version_conflict", ""},
		{"forbidden", "stock.Audit", `{}`, nil, 403, "forbidden", ""},
		{"rejected", "stock.Receive", `{"item":"A","qty":0}`, nil, 422, "qty_not_positive", ""},
		{"internal error", "stock.Fail", `{}`, nil, 500, "internal", ""},
		{"panic", "stock.Panic", `{}`, nil, 500, "internal", ""},
		{"bad If-Match", "stock.Receive", `{"item":"A","qty":1}`, []string{"If-Match", `"abc"`}, 400, "invalid", "If-Match"},
		{"If-Match list", "stock.Receive", `{"item":"A","qty":1}`, []string{"If-Match", `"1", "2"`}, 400, "invalid", "If-Match"},
		{"If-Match star", "stock.Receive", `{"item":"A","qty":1}`, []string{"If-Match", `*`}, 400, "invalid", "If-Match"},
		{"wrong media type", "stock.Create", `{"item":"B"}`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type", ""},
		{"wrong charset", "stock.Create", `{"item":"B"}`, []string{"Content-Type", "application/json; charset=latin1"}, 415, "unsupported_media_type", ""},
		{"no media type", "stock.Create", `{"item":"B"}`, []string{"Content-Type", ""}, 415, "unsupported_media_type", ""},
		{"no media type, no body", "stock.Create", ``, []string{"Content-Type", ""}, 415, "unsupported_media_type", ""},
		{"oversize body", "stock.Create", big, nil, 413, "body_too_large", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.do("POST", "/api/commands/stock.Create", `{"item":"A"}`)
			before, _ := h.events.Head(context.Background())
			rec := h.do("POST", "/api/commands/"+tt.cmd, tt.body, tt.headers...)
			p := checkProblem(t, rec, tt.status, tt.code)
			if tt.pointer != "" && (len(p.Errors) == 0 || p.Errors[0].Pointer != tt.pointer) {
				t.Errorf("errors %+v, want pointer %q", p.Errors, tt.pointer)
			}
			if strings.Contains(rec.Body.String(), "hunter2") {
				t.Errorf("internal error text leaked: %s", rec.Body)
			}
			if after, _ := h.events.Head(context.Background()); after != before {
				t.Errorf("a refused command stored events: head %d -> %d", before, after)
			}
			if tt.status == 500 && !strings.Contains(h.logs.String(), p.RequestID) {
				t.Errorf("500 not logged with its request id %s", p.RequestID)
			}
		})
	}
}

func TestIfMatch(t *testing.T) {
	for _, tag := range []string{`"1"`, `1`, `W/"1"`, ` "1" `} {
		t.Run(tag, func(t *testing.T) {
			h := newHarness(t)
			h.do("POST", "/api/commands/stock.Create", `{"item":"A"}`)
			rec := h.do("POST", "/api/commands/stock.Receive", `{"item":"A","qty":2}`, "If-Match", tag)
			if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"2"` {
				t.Fatalf("status %d ETag %q: %s", rec.Code, rec.Header().Get("ETag"), rec.Body)
			}
			// The same tag is now stale.
			checkProblem(t, h.do("POST", "/api/commands/stock.Receive", `{"item":"A","qty":2}`, "If-Match", tag),
				http.StatusConflict, "version_conflict")
			if v, _ := h.events.StreamVersion(context.Background(), "stock.item-A"); v != 2 {
				t.Errorf("stream at version %d after a stale write, want 2", v)
			}
		})
	}
}

func TestCommandMetaReachesEvents(t *testing.T) {
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	tests := []struct {
		name    string
		headers []string
		want    domain.Envelope
	}{
		{"all headers", []string{"X-Request-ID", "r1", "X-Correlation-ID", "c1", "X-Causation-ID", "k1",
			"traceparent", parent, "tracestate", "vendor=x"},
			domain.Envelope{CorrelationID: "c1", CausationID: "k1", TraceContext: map[string]string{"traceparent": parent, "tracestate": "vendor=x"}}},
		{"defaults from the request id", []string{"X-Request-ID", "r2"},
			domain.Envelope{CorrelationID: "r2", CausationID: "r2"}},
		{"malformed traceparent dropped with its state", []string{"X-Request-ID", "r3", "traceparent", "nonsense", "tracestate", "vendor=x"},
			domain.Envelope{CorrelationID: "r3", CausationID: "r3"}},
		{"tracestate that is not printable ASCII dropped", []string{"X-Request-ID", "r4", "traceparent", parent, "tracestate", "vendor=\xff"},
			domain.Envelope{CorrelationID: "r4", CausationID: "r4", TraceContext: map[string]string{"traceparent": parent}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if rec := h.do("POST", "/api/commands/stock.Create", `{"item":"A"}`, tt.headers...); rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			got, _ := h.events.ReadStream(context.Background(), "stock.item-A", 0, application.Forward, 0)
			e := got[0]
			if e.Actor != "anonymous" || e.CorrelationID != tt.want.CorrelationID || e.CausationID != tt.want.CausationID ||
				!maps.Equal(e.TraceContext, tt.want.TraceContext) {
				t.Errorf("envelope actor %q correlation %q causation %q trace %v; want %+v",
					e.Actor, e.CorrelationID, e.CausationID, e.TraceContext, tt.want)
			}
		})
	}
}
