package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestIdempotencyKey: a command sent again with its Idempotency-Key gets
// the first answer and appends nothing; the same key with another body
// is refused with 422; a malformed key is a 400 pointing at the header.
func TestIdempotencyKey(t *testing.T) {
	h := newHarness(t)
	h.do("POST", "/api/commands/stock.Create", `{"item":"A"}`)
	first := h.do("POST", "/api/commands/stock.Receive", `{"item":"A","qty":2}`, "Idempotency-Key", "k-1")
	if first.Code != http.StatusOK {
		t.Fatalf("first: %d %s", first.Code, first.Body)
	}
	again := h.do("POST", "/api/commands/stock.Receive", `{"item":"A","qty":2}`, "Idempotency-Key", `"k-1"`)
	if again.Code != http.StatusOK || again.Body.String() != first.Body.String() || again.Header().Get("ETag") != first.Header().Get("ETag") {
		t.Fatalf("retry: %d %s, want the first answer %s", again.Code, again.Body, first.Body)
	}
	checkProblem(t, h.do("POST", "/api/commands/stock.Receive", `{"item":"A","qty":3}`, "Idempotency-Key", "k-1"), 422, "idempotency_key_reused")
	if v, _ := h.events.StreamVersion(context.Background(), "stock.item-A"); v != 2 {
		t.Fatalf("stream at %d, want 2: created, received once", v)
	}
	for _, bad := range []string{"", " ", "caf\u00e9", "a b", strings.Repeat("k", 201), "a\tb", `""`} {
		p := checkProblem(t, h.do("POST", "/api/commands/stock.Receive", `{"item":"A","qty":1}`, "Idempotency-Key", bad), 400, "invalid")
		if len(p.Errors) == 0 || p.Errors[0].Pointer != "Idempotency-Key" {
			t.Fatalf("key %q: errors %+v, want a pointer at Idempotency-Key", bad, p.Errors)
		}
	}
}
