package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
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
		want  application.Query // compared when bad is ""
		bad   string            // the pointer of the expected 400
	}{
		{"", application.Query{}, ""},
		{"filter[item]=A", application.Query{Filters: []application.Filter{f("item", "eq", "A")}}, ""},
		{"filter[qty][gte]=2&filter[qty][lt]=3.5", application.Query{Filters: []application.Filter{
			f("qty", "gte", 2.0), f("qty", "lt", 3.5)}}, ""},
		{"filter[active]=false", application.Query{Filters: []application.Filter{f("active", "eq", false)}}, ""},
		{"filter[item][prefix]=AB", application.Query{Filters: []application.Filter{f("item", "prefix", "AB")}}, ""},
		{"filter[qty][in]=1,3", application.Query{Filters: []application.Filter{
			{Field: "qty", Op: "in", Values: []any{1.0, 3.0}}}}, ""},
		{"filter[item][in]=A,C", application.Query{Filters: []application.Filter{
			{Field: "item", Op: "in", Values: []any{"A", "C"}}}}, ""},
		{"sort=-qty,item", application.Query{Sort: []application.SortKey{{Field: "qty", Desc: true}, {Field: "item"}}}, ""},
		{"limit=1000", application.Query{Limit: 1000}, ""},
		{"cursor=opaque", application.Query{Cursor: "opaque"}, ""},
		{"filter[colour]=red", application.Query{}, "filter[colour]"},
		{"filter[qty][between]=1", application.Query{}, "filter[qty][between]"},
		{"filter[qty][gte]=lots", application.Query{}, "filter[qty][gte]"},
		{"filter[qty][in]=1,x", application.Query{}, "filter[qty][in]"},
		{"filter[active]=yes", application.Query{}, "filter[active]"},
		{"filter[active][gt]=true", application.Query{}, "filter[active][gt]"},
		{"filter[qty][prefix]=1", application.Query{}, "filter[qty][prefix]"},
		{"filter[item]]=A", application.Query{}, "filter[item]]"},
		{"filter[item]=A&filter[item]=B", application.Query{}, "filter[item]"},
		{"sort=-colour", application.Query{}, "sort"},
		{"sort=qty,,item", application.Query{}, "sort"},
		{"limit=0", application.Query{}, "limit"},
		{"limit=1001", application.Query{}, "limit"},
		{"limit=ten", application.Query{}, "limit"},
		{"page=2", application.Query{}, "page"},
		{"limit=5&bogus=1", application.Query{}, "bogus"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			h := newHarness(t)
			rec := h.do("GET", "/api/views/stock.items?"+tt.query, "")
			if tt.bad != "" {
				p := checkProblem(t, rec, http.StatusBadRequest, "invalid")
				if len(p.Errors) != 1 || p.Errors[0].Pointer != tt.bad || p.Errors[0].Detail == "" {
					t.Errorf("errors %+v, want one pointing at %q", p.Errors, tt.bad)
				}
				if h.reads.calls != 0 {
					t.Errorf("a bad query reached the store: %+v", h.reads.last)
				}
				return
			}
			want := tt.want
			if want.Sort == nil {
				want.Sort = []application.SortKey{{Field: "item"}} // the view's default
			}
			if h.reads.calls != 1 || !reflect.DeepEqual(h.reads.last, want) {
				t.Errorf("store got %+v (%d calls), want %+v; response %d %s", h.reads.last, h.reads.calls, want, rec.Code, rec.Body)
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
	if want := []string{"filter[x]", "limit", "sort"}; !reflect.DeepEqual(got, want) {
		t.Errorf("pointers %v, want %v", got, want)
	}
}
