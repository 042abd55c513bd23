package httpapi_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/webos-engine/webos/application"
)

type pageBody struct {
	Items []map[string]any `json:"items"`
	Next  *string          `json:"next"`
}

// seed creates items A, B and C with quantities 1, 2 and 3 and projects them.
func seed(h *harness) {
	for i, name := range []string{"A", "B", "C"} {
		h.do("POST", "/api/commands/stock.Create", `{"item":"`+name+`"}`)
		body, _ := json.Marshal(map[string]any{"item": name, "qty": i + 1})
		h.do("POST", "/api/commands/stock.Receive", string(body))
	}
	h.catchUp()
}

func TestViewPaging(t *testing.T) {
	h := newHarness(t)
	seed(h)
	rec := h.do("GET", "/api/views/stock.items?sort=-qty&limit=2", "")
	first := decode[pageBody](t, rec)
	if rec.Code != http.StatusOK || len(first.Items) != 2 || first.Items[0]["item"] != "C" || first.Next == nil || *first.Next == "" {
		t.Fatalf("first page %d %+v", rec.Code, first)
	}
	rec = h.do("GET", "/api/views/stock.items?sort=-qty&limit=2&cursor="+url.QueryEscape(*first.Next), "")
	second := decode[pageBody](t, rec)
	if len(second.Items) != 1 || second.Items[0]["item"] != "A" || second.Next != nil {
		t.Fatalf("last page %+v: want item A and no next", second)
	}
	empty := decode[pageBody](t, h.do("GET", "/api/views/stock.items?filter[item]=Z", ""))
	if empty.Items == nil || len(empty.Items) != 0 {
		t.Errorf("no match should be an empty array, got %+v", empty)
	}
	checkProblem(t, h.do("GET", "/api/views/stock.nope", ""), http.StatusNotFound, "unknown_view")
}

func TestViewQueryParsing(t *testing.T) {
	f := func(field string, op application.Op, v any) application.Filter {
		return application.Filter{Field: field, Op: op, Value: v}
	}
	tests := []struct {
		query string
		want  application.Query
	}{
		{"", application.Query{}},
		{"filter[item]=A", application.Query{Filters: []application.Filter{f("item", "eq", "A")}}},
		{"filter[qty][gte]=2&filter[qty][lt]=3.5", application.Query{Filters: []application.Filter{
			f("qty", "gte", int64(2)), f("qty", "lt", 3.5)}}},
		{"filter[qty]=9007199254740993", application.Query{Filters: []application.Filter{f("qty", "eq", int64(9007199254740993))}}},
		{"filter[active]=false", application.Query{Filters: []application.Filter{f("active", "eq", false)}}},
		{"filter[item][prefix]=AB", application.Query{Filters: []application.Filter{f("item", "prefix", "AB")}}},
		{"filter[qty][in]=1,3.5", application.Query{Filters: []application.Filter{
			{Field: "qty", Op: "in", Values: []any{int64(1), 3.5}}}}},
		{"filter[item][in]=A,C", application.Query{Filters: []application.Filter{
			{Field: "item", Op: "in", Values: []any{"A", "C"}}}}},
		{"sort=-qty,item", application.Query{Sort: []application.SortKey{{Field: "qty", Desc: true}, {Field: "item"}}}},
		{"limit=1000", application.Query{Limit: 1000}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			h := newHarness(t)
			rec := h.do("GET", "/api/views/stock.items?"+tt.query, "")
			want := tt.want
			if want.Sort == nil {
				want.Sort = []application.SortKey{{Field: "item"}} // the view's default
			}
			// The engine's own filter, to the tenant of the principal.
			want.Filters = append(want.Filters, f(application.TenantField, "eq", application.DefaultTenant))
			if rec.Code != http.StatusOK || h.reads.calls != 1 || !reflect.DeepEqual(h.reads.last, want) {
				t.Errorf("store got %+v (%d calls), want %+v; response %d %s", h.reads.last, h.reads.calls, want, rec.Code, rec.Body)
			}
		})
	}
}

// TestViewQueryErrorsHaveOneShape covers a mistake in every parameter,
// whether the API or the store finds it: each is a 400 with the same
// code, title and detail, and one error pointing at /query/<parameter>.
func TestViewQueryErrorsHaveOneShape(t *testing.T) {
	cursor := func(raw string) string { return base64.RawURLEncoding.EncodeToString([]byte(raw)) }
	tests := []struct {
		query   string
		pointer string
		store   bool // only the store can tell: the query reaches it
	}{
		{"filter[colour]=red", "/query/filter[colour]", false},
		{"filter[qty][between]=1", "/query/filter[qty][between]", false},
		{"filter[qty][gte]=lots", "/query/filter[qty][gte]", false},
		{"filter[qty][in]=1,x", "/query/filter[qty][in]", false},
		{"filter[qty][in]=" + strings.Repeat("1,", 1000) + "1", "/query/filter[qty][in]", true},
		{"filter[active]=yes", "/query/filter[active]", false},
		{"filter[active][gt]=true", "/query/filter[active][gt]", false},
		{"filter[qty][prefix]=1", "/query/filter[qty][prefix]", false},
		{"filter[qty]=1e400", "/query/filter[qty]", false},
		{"filter[item]]=A", "/query/filter[item]]", false},
		{"filter[item]=A&filter[item]=B", "/query/filter[item]", false},
		{"sort=-colour", "/query/sort", false},
		{"sort=qty,,item", "/query/sort", false},
		{"sort=qty,-qty", "/query/sort", true},
		{"sort=item,qty,active,-item", "/query/sort", true},
		{"sort=" + strings.Repeat("qty,item,", 150) + "qty", "/query/sort", true},
		{"limit=0", "/query/limit", false},
		{"limit=1001", "/query/limit", false},
		{"limit=ten", "/query/limit", false},
		{"cursor=not-a-cursor!", "/query/cursor", true},
		{"cursor=" + cursor(`{"s":"qty","v":[1],"id":"a"}`), "/query/cursor", true},
		{"sort=qty&cursor=" + cursor(`{"s":"qty","v":["x"],"id":"a"}`), "/query/cursor", true},
		{"sort=qty&cursor=" + cursor(`{"s":"qty","v":[1],"id":"`+strings.Repeat("a", 5000)+`"}`), "/query/cursor", true},
		{"page=2", "/query/page", false},
		{"limit=5&a/b~c=1", "/query/a~1b~0c", false},
		{"filter[qty]=%zz", "/query", false},
	}
	for _, tt := range tests {
		t.Run(tt.query[:min(len(tt.query), 60)], func(t *testing.T) {
			h := newHarness(t)
			rec := h.do("GET", "/api/views/stock.items?"+tt.query, "")
			p := checkProblem(t, rec, http.StatusBadRequest, "invalid")
			if p.Title != "Invalid input" || p.Detail != "the query parameters are invalid" {
				t.Errorf("title %q, detail %q: not the one shape", p.Title, p.Detail)
			}
			if len(p.Errors) != 1 || p.Errors[0].Pointer != tt.pointer || p.Errors[0].Detail == "" {
				t.Errorf("errors %+v, want one pointing at %q", p.Errors, tt.pointer)
			}
			if reached := h.reads.calls != 0; reached != tt.store {
				t.Errorf("reached the store: %v, want %v", reached, tt.store)
			}
		})
	}
}

func TestViewQueryReportsEveryBadParameter(t *testing.T) {
	h := newHarness(t)
	p := checkProblem(t, h.do("GET", "/api/views/stock.items?limit=0&filter[x]=1&sort=y", ""), http.StatusBadRequest, "invalid")
	var got []string
	for _, e := range p.Errors {
		got = append(got, e.Pointer)
	}
	if want := []string{"/query/filter[x]", "/query/limit", "/query/sort"}; !reflect.DeepEqual(got, want) {
		t.Errorf("pointers %v, want %v", got, want)
	}
}
