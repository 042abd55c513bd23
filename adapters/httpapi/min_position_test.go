package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestReadYourWrites: with the projections running, a view query naming
// the position a command answered sees that command's effect.
func TestReadYourWrites(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); h.runtime.Wait() }()
	if err := h.runtime.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		item := fmt.Sprint("RYW-", i)
		res := decode[resultBody](t, h.do("POST", "/api/commands/stock.Create", `{"item":"`+item+`"}`))
		pos := fmt.Sprint(res.Position)
		for _, rec := range []*httptest.ResponseRecorder{
			h.do("GET", "/api/views/stock.items?filter[item]="+item, "", "X-Min-Position", pos),
			h.do("GET", "/api/views/stock.items?filter[item]="+item+"&minPosition="+pos, ""),
		} {
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), item) {
				t.Fatalf("item %s at position %s: %d %s, want the item", item, pos, rec.Code, rec.Body)
			}
		}
	}
}

// TestMinPositionNotReached: a position the projections do not reach in
// time is a 503 with Retry-After, after the bounded wait.
func TestMinPositionNotReached(t *testing.T) {
	h := newHarness(t)
	start := time.Now()
	rec := h.do("GET", "/api/views/stock.items", "", "X-Min-Position", "1000")
	checkProblem(t, rec, 503, "not_caught_up")
	if rec.Header().Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > 5*time.Second {
		t.Fatalf("answered after %v, want about the 200ms wait", d)
	}
}

// TestBadMinPosition: a malformed position is a 400 pointing at the
// header or the query parameter.
func TestBadMinPosition(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ target, header, pointer string }{
		{"/api/views/stock.items", "abc", "X-Min-Position"},
		{"/api/views/stock.items", "-1", "X-Min-Position"},
		{"/api/views/stock.items?minPosition=x", "", "/query/minPosition"},
		{"/api/views/stock.items?minPosition=1.5", "", "/query/minPosition"},
	} {
		var headers []string
		if c.header != "" {
			headers = []string{"X-Min-Position", c.header}
		}
		p := checkProblem(t, h.do("GET", c.target, "", headers...), 400, "invalid")
		if len(p.Errors) == 0 || p.Errors[0].Pointer != c.pointer {
			t.Fatalf("%s %q: errors %+v, want a pointer at %s", c.target, c.header, p.Errors, c.pointer)
		}
	}
}
