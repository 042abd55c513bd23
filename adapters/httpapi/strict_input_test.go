package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// goInternals matches what no answer may show: Go type and package names,
// SQL and file paths.
var goInternals = regexp.MustCompile(`\b(u?int(8|16|32|64)?|float(32|64)|struct|interface|httpapi_test|json: |SELECT|INSERT|sqlite)\b|\.go:|/var/|/tmp/`)

func TestStrictCommandBodies(t *testing.T) {
	tests := []struct {
		name, body, pointer string
		status              int
	}{
		{"duplicate key", `{"item":"A","qty":-5,"qty":1}`, "/qty", 400},
		{"duplicate key escaped", `{"item":"A","qty":1,"q\u0074y":1}`, "/qty", 400},
		{"lone high surrogate", `{"item":"A","qty":1,"note":"\ud800"}`, "/note", 400},
		{"lone low surrogate", `{"item":"\udfff","qty":1}`, "/item", 400},
		{"invalid UTF-8", "{\"item\":\"A\xff\",\"qty\":1}", "/item", 400},
		{"fraction", `{"item":"A","qty":1.5}`, "/qty", 400},
		{"beyond int64", `{"item":"A","qty":99999999999999999999}`, "/qty", 400},
		{"exponent integer", `{"item":"A","qty":1e2}`, "", 200},
		{"fractional integer", `{"item":"A","qty":2.0}`, "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.do("POST", "/api/commands/stock.Create", `{"item":"A"}`)
			before, _ := h.events.Head(context.Background())
			rec := h.do("POST", "/api/commands/stock.Receive", tt.body)
			if goInternals.MatchString(rec.Body.String()) {
				t.Errorf("the answer names Go internals: %s", rec.Body)
			}
			after, _ := h.events.Head(context.Background())
			if tt.status == http.StatusOK {
				if rec.Code != http.StatusOK || after != before+1 {
					t.Fatalf("status %d, head %d -> %d: %s", rec.Code, before, after, rec.Body)
				}
				return
			}
			p := checkProblem(t, rec, tt.status, "invalid")
			if len(p.Errors) == 0 || p.Errors[0].Pointer != tt.pointer {
				t.Errorf("errors %+v, want a pointer at %s", p.Errors, tt.pointer)
			}
			if after != before {
				t.Errorf("a refused body stored events: head %d -> %d", before, after)
			}
		})
	}
}

func TestProblemErrorListIsBounded(t *testing.T) {
	h := newHarness(t)
	var b strings.Builder
	b.WriteString(`{"item":"A"`)
	for i := range 40000 {
		fmt.Fprintf(&b, `,"k%d":0`, i)
	}
	b.WriteString("}")
	rec := h.do("POST", "/api/commands/stock.Create", b.String())
	p := checkProblem(t, rec, http.StatusBadRequest, "invalid")
	if len(p.Errors) != 20 || p.ErrorCount != 40000 {
		t.Errorf("%d errors listed, count %d; want 20 of 40000", len(p.Errors), p.ErrorCount)
	}
	if rec.Body.Len() > 4096 {
		t.Errorf("a %d KB body got a %d byte answer", b.Len()/1024, rec.Body.Len())
	}
}
