package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/webos-engine/webos/domain"
)

type streamBody struct {
	Stream  string            `json:"stream"`
	Version uint64            `json:"version"`
	Events  []domain.Envelope `json:"events"`
}

func TestStreams(t *testing.T) {
	h := newHarness(t)
	h.do("POST", "/api/commands/stock.Create", `{"item":"ABC-1"}`, "X-Correlation-ID", "corr-1")
	h.do("POST", "/api/commands/stock.Receive", `{"item":"ABC-1","qty":4}`)
	h.do("POST", "/api/commands/stock.Receive", `{"item":"ABC-1","qty":5}`)
	tests := []struct {
		query    string
		versions []uint64
	}{
		{"", []uint64{1, 2, 3}},
		{"?from=2", []uint64{2, 3}},
		{"?limit=2", []uint64{1, 2}},
		{"?direction=backward", []uint64{3, 2, 1}},
		{"?direction=backward&from=2&limit=1", []uint64{2}},
		{"?from=9", []uint64{}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := h.do("GET", "/api/streams/stock.item-ABC-1"+tt.query, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			body := decode[streamBody](t, rec)
			if body.Stream != "stock.item-ABC-1" || body.Version != 3 || body.Events == nil {
				t.Errorf("stream %q version %d events %v", body.Stream, body.Version, body.Events)
			}
			var got []uint64
			for _, e := range body.Events {
				got = append(got, e.StreamVersion)
			}
			if !slices.Equal(got, tt.versions) {
				t.Errorf("versions %v, want %v", got, tt.versions)
			}
		})
	}
	// The full envelope comes back, hash chain and metadata included.
	body := decode[streamBody](t, h.do("GET", "/api/streams/stock.item-ABC-1", ""))
	if err := domain.VerifyChain("", body.Events); err != nil {
		t.Errorf("chain does not verify from the JSON: %v", err)
	}
	if e := body.Events[0]; e.Type != "stock.Created" || e.CorrelationID != "corr-1" || e.Actor != "anonymous" || e.Position != 1 {
		t.Errorf("envelope %+v", e)
	}
}

func TestStreamIDs(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for _, id := range []string{"warehouse.item-ABC-1", "odd id:ü?#%&=+", "a.b.c"} {
		ev := []domain.Envelope{{ID: "e-" + id, Type: "stock.Created", SchemaVersion: 1, Data: []byte(`{}`)}}
		if _, err := h.events.Append(ctx, id, domain.NoStream, ev); err != nil {
			t.Fatal(err)
		}
		rec := h.do("GET", "/api/streams/"+url.PathEscape(id), "")
		if body := decode[streamBody](t, rec); rec.Code != http.StatusOK || body.Stream != id || len(body.Events) != 1 {
			t.Errorf("%q: status %d body %s", id, rec.Code, rec.Body)
		}
	}
}

func TestStreamErrors(t *testing.T) {
	h := newHarness(t)
	h.do("POST", "/api/commands/stock.Create", `{"item":"A"}`)
	tests := []struct {
		target, code, pointer string
		status                int
	}{
		{"/api/streams/stock.item-missing", "unknown_stream", "", 404},
		{"/api/streams/stock.item-A?direction=sideways", "invalid", "/query/direction", 400},
		{"/api/streams/stock.item-A?from=-1", "invalid", "/query/from", 400},
		{"/api/streams/stock.item-A?limit=0", "invalid", "/query/limit", 400},
		{"/api/streams/stock.item-A?limit=1001", "invalid", "/query/limit", 400},
		{"/api/streams/stock.item-A?after=1", "invalid", "/query/after", 400},
		{"/api/streams/stock.item-A?from=%zz", "invalid", "/query", 400},
		{"/api/streams/a%2Fb", "unknown_route", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			p := checkProblem(t, h.do("GET", tt.target, ""), tt.status, tt.code)
			if tt.pointer != "" && (len(p.Errors) != 1 || p.Errors[0].Pointer != tt.pointer) {
				t.Errorf("errors %+v, want pointer %q", p.Errors, tt.pointer)
			}
		})
	}
}

// TestSharedStreamsHideOtherTenantsEvents: a stream without a tenant in
// its id whose owner no module declared (a Shared module's) that holds
// another tenant's events is as missing as one never written, also when
// the page asked for holds none (past its end), so its version does not
// leak.
func TestSharedStreamsHideOtherTenantsEvents(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for id, tenant := range map[string]string{"settings.system-x-acme": "acme", "settings.system-x-default": ""} {
		ev := []domain.Envelope{{ID: "e-" + id, Type: "stock.Created", SchemaVersion: 1, Data: []byte(`{}`), Tenant: tenant}}
		if _, err := h.events.Append(ctx, id, domain.NoStream, ev); err != nil {
			t.Fatal(err)
		}
	}
	for _, query := range []string{"", "?from=2", "?from=1000", "?direction=backward&from=1000"} {
		if rec := h.do("GET", "/api/streams/settings.system-x-acme"+query, ""); rec.Code != http.StatusNotFound ||
			!strings.Contains(rec.Body.String(), "unknown_stream") {
			t.Errorf("another tenant's events%s: %d %s, want 404 unknown_stream", query, rec.Code, rec.Body)
		}
	}
	if rec := h.do("GET", "/api/streams/settings.system-x-default?from=1000", ""); rec.Code != http.StatusOK {
		t.Errorf("the tenant's own stream past its end: %d %s, want 200", rec.Code, rec.Body)
	}
	if rec := h.do("GET", "/api/streams/settings.system-x-default", ""); rec.Code != http.StatusOK {
		t.Errorf("the tenant's own events: %d %s, want 200", rec.Code, rec.Body)
	}
}
