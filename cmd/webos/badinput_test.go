package main_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestBadInputIsRefusedAndWritesNothing sends a table of bad requests to
// the real binary: each gets its status and an RFC 9457 problem pointing
// at the fault, and the event store's head does not move.
func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	t.Parallel()
	p := serve(t, t.TempDir())
	p.command("warehouse.RegisterItem", `{"sku":"BAD-1","name":"Widget","unit":"pcs","lowStockThreshold":1}`)
	p.command("warehouse.ReceiveStock", `{"sku":"BAD-1","quantity":3}`)
	const receive = "/api/commands/warehouse.ReceiveStock"
	const place = "/api/commands/orders.PlaceOrder"
	order := func(currency, lines string) string {
		return `{"orderId":"ORD-1","customerId":"C1","currency":"` + currency + `","lines":[` + lines + `]}`
	}
	const line = `{"sku":"BAD-1","quantity":1,"unitPrice":100}`
	cases := []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		pointer                  string
	}{
		{"malformed JSON", "POST", receive, `{"sku":"BAD-1",`, nil, 400, ""},
		{"not an object", "POST", receive, `[1,2]`, nil, 400, ""},
		{"unknown command", "POST", "/api/commands/warehouse.Teleport", `{}`, nil, 404, ""},
		{"unknown module", "POST", "/api/commands/nope.Do", `{}`, nil, 404, ""},
		{"missing field", "POST", receive, `{"quantity":1}`, nil, 400, "/sku"},
		{"extra field", "POST", receive, `{"sku":"BAD-1","quantity":1,"colour":"red"}`, nil, 400, "/colour"},
		{"mistyped field", "POST", receive, `{"sku":"BAD-1","quantity":"7"}`, nil, 400, "/quantity"},
		{"fractional quantity", "POST", receive, `{"sku":"BAD-1","quantity":1.5}`, nil, 400, "/quantity"},
		{"zero quantity", "POST", receive, `{"sku":"BAD-1","quantity":0}`, nil, 400, "/quantity"},
		{"negative quantity", "POST", receive, `{"sku":"BAD-1","quantity":-4}`, nil, 400, "/quantity"},
		{"huge quantity", "POST", receive, `{"sku":"BAD-1","quantity":1e30}`, nil, 400, "/quantity"},
		{"beyond int64", "POST", receive, `{"sku":"BAD-1","quantity":99999999999999999999}`, nil, 400, "/quantity"},
		{"null field", "POST", receive, `{"sku":null,"quantity":1}`, nil, 400, "/sku"},
		{"bad sku pattern", "POST", "/api/commands/warehouse.RegisterItem", `{"sku":"a b","name":"x","unit":"x","lowStockThreshold":0}`, nil, 400, "/sku"},
		{"zero adjustment", "POST", "/api/commands/warehouse.AdjustStock", `{"sku":"BAD-1","delta":0,"reason":"x"}`, nil, 400, "/delta"},
		{"oversize body", "POST", receive, `{"sku":"BAD-1","quantity":1,"reference":"` + strings.Repeat("x", 2<<20) + `"}`, nil, 413, ""},
		{"stale If-Match", "POST", receive, `{"sku":"BAD-1","quantity":1}`, map[string]string{"If-Match": `"1"`}, 409, ""},
		{"malformed If-Match", "POST", receive, `{"sku":"BAD-1","quantity":1}`, map[string]string{"If-Match": `soon`}, 400, ""},
		{"wrong media type", "POST", receive, `{"sku":"BAD-1","quantity":1}`, map[string]string{"Content-Type": "text/plain"}, 415, ""},
		{"no media type", "POST", receive, `{"sku":"BAD-1","quantity":1}`, map[string]string{"Content-Type": ""}, 415, ""},
		{"duplicate key", "POST", receive, `{"sku":"BAD-1","quantity":-5,"quantity":1}`, nil, 400, "/quantity"},
		{"lone surrogate", "POST", receive, `{"sku":"BAD-1","quantity":1,"reference":"\ud800"}`, nil, 400, "/reference"},
		{"unpaired low surrogate", "POST", receive, `{"sku":"BAD-1","quantity":1,"reference":"x\udc00"}`, nil, 400, "/reference"},
		{"invalid UTF-8", "POST", receive, "{\"sku\":\"BAD-1\",\"quantity\":1,\"reference\":\"\xc3\x28\"}", nil, 400, "/reference"},
		{"unknown item", "POST", receive, `{"sku":"NOPE","quantity":1}`, nil, 404, ""},
		{"SKU taken", "POST", "/api/commands/warehouse.RegisterItem", `{"sku":"BAD-1","name":"x","unit":"x","lowStockThreshold":0}`, nil, 409, ""},
		{"over-reserve", "POST", "/api/commands/warehouse.ReserveStock", `{"sku":"BAD-1","quantity":4,"orderId":"O1"}`, nil, 422, ""},
		{"negative on hand", "POST", "/api/commands/warehouse.AdjustStock", `{"sku":"BAD-1","delta":-4,"reason":"x"}`, nil, 422, ""},
		{"order without lines", "POST", place, order("EUR", ""), nil, 400, "/lines"},
		{"order line of zero quantity", "POST", place, order("EUR", `{"sku":"BAD-1","quantity":0,"unitPrice":100}`), nil, 400, "/lines/0/quantity"},
		{"order line of negative price", "POST", place, order("EUR", `{"sku":"BAD-1","quantity":1,"unitPrice":-1}`), nil, 400, "/lines/0/unitPrice"},
		{"order of an unknown SKU", "POST", place, order("EUR", line+`,{"sku":"NOPE","quantity":1,"unitPrice":1}`), nil, 400, "/lines/1/sku"},
		{"order currency mismatch", "POST", place, order("EUR", `{"sku":"BAD-1","quantity":1,"unitPrice":1,"currency":"USD"}`), nil, 400, "/lines/0/currency"},
		{"order in no currency", "POST", place, order("ABC", line), nil, 400, "/currency"},
		{"order of 501 lines", "POST", place, order("EUR", strings.Repeat(line+",", 500)+line), nil, 400, "/lines"},
		{"unknown view", "GET", "/api/views/warehouse.nope", "", nil, 404, ""},
		{"unknown filter field", "GET", "/api/views/warehouse.stock?filter[colour]=red", "", nil, 400, "/query/filter[colour]"},
		{"unknown operator", "GET", "/api/views/warehouse.stock?filter[onHand][near]=3", "", nil, 400, "/query/filter[onHand][near]"},
		{"non-numeric filter", "GET", "/api/views/warehouse.stock?filter[onHand][gte]=lots", "", nil, 400, "/query/filter[onHand][gte]"},
		{"unknown sort field", "GET", "/api/views/warehouse.stock?sort=-colour", "", nil, 400, "/query/sort"},
		{"bad limit", "GET", "/api/views/warehouse.stock?limit=0", "", nil, 400, "/query/limit"},
		{"bad cursor", "GET", "/api/views/warehouse.stock?cursor=not-a-cursor!", "", nil, 400, "/query/cursor"},
		{"five sort keys", "GET", "/api/views/warehouse.stock?sort=sku,name,unit,onHand,reserved", "", nil, 400, "/query/sort"},
		{"repeated sort key", "GET", "/api/views/warehouse.movements?sort=-position,position", "", nil, 400, "/query/sort"},
		{"300 sort keys", "GET", "/api/views/warehouse.stock?sort=" + strings.Repeat("sku,name,", 150) + "unit", "", nil, 400, "/query/sort"},
		{"SQL in a filter field", "GET", "/api/views/warehouse.stock?filter[sku%22)%20OR%201%3D1--]=x", "", nil, 400, `/query/filter[sku") OR 1=1--]`},
		{"JSON path in a filter field", "GET", "/api/views/warehouse.stock?filter[data-%3E%3E%27sku%27]=x", "", nil, 400, "/query/filter[data->>'sku']"},
		{"SQL in a sort", "GET", "/api/views/warehouse.stock?sort=sku%3BDROP%20TABLE%20events", "", nil, 400, "/query/sort"},
		{"unknown stream", "GET", "/api/streams/warehouse.item-NOPE", "", nil, 404, ""},
	}
	before := p.head()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p.t = t
			status, problem, hdr := p.do(c.method, c.path, c.body, c.header)
			if status != c.status {
				t.Fatalf("status %d, want %d: %v", status, c.status, problem)
			}
			if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("content type %q, want application/problem+json", ct)
			}
			if problem["status"] != float64(c.status) || problem["title"] == nil || problem["type"] == nil {
				t.Errorf("not an RFC 9457 problem: %v", problem)
			}
			if raw, _ := json.Marshal(problem); goInternals.Match(raw) {
				t.Errorf("the answer names Go internals: %s", raw)
			}
			if c.pointer != "" && !hasPointer(problem, c.pointer) {
				t.Errorf("problem does not point at %s: %v", c.pointer, problem["errors"])
			}
		})
	}
	p.t = t
	if after := p.head(); after != before {
		t.Fatalf("bad input moved the event store head from %v to %v", before, after)
	}
	if status, _, _ := p.do("GET", "/api/views/warehouse.stock?filter[sku]=BAD-1", "", nil); status != http.StatusOK {
		t.Fatalf("a good query after bad ones: %d", status)
	}
	// JSON Schema calls 1e2 and 2.0 integers, so they are accepted as such.
	p.command("warehouse.ReceiveStock", `{"sku":"BAD-1","quantity":1e2}`)
	p.command("warehouse.ReceiveStock", `{"sku":"BAD-1","quantity":2.0}`)
}

// goInternals matches what no answer may show: Go type and package names,
// the decoder's wording, SQL, and file paths.
var goInternals = regexp.MustCompile(`\b(u?int(8|16|32|64)?|float(32|64)|struct|interface|json: |SELECT|INSERT|sqlite)\b|\.go:|\.db\b|/tmp/`)

func hasPointer(problem map[string]any, pointer string) bool {
	errs, _ := problem["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok && m["pointer"] == pointer {
			return true
		}
	}
	return false
}
