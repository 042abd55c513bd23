package httpapi_test

import (
	"context"
	"net/http"
	"testing"
)

func TestCrossSiteAndMisdirectedRequestsAreRefused(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		status  int
		code    string
	}{
		{"cross-site fetch", []string{"Sec-Fetch-Site", "cross-site"}, 403, "cross_origin"},
		{"same-site, other origin", []string{"Sec-Fetch-Site", "same-site"}, 403, "cross_origin"},
		{"foreign Origin, old browser", []string{"Origin", "http://evil.example"}, 403, "cross_origin"},
		{"rebound DNS name", []string{"Host", "evil.example"}, 421, "unknown_host"},
		{"rebound name with port", []string{"Host", "evil.example:8080"}, 421, "unknown_host"},
		{"same origin", []string{"Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"}, 200, ""},
		{"own Origin, old browser", []string{"Origin", "http://example.com"}, 200, ""},
		{"no browser headers (curl)", nil, 200, ""},
		{"allowed name, any port, any case", []string{"Host", "EXAMPLE.com:9999"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			rec := h.do("POST", "/api/commands/stock.Create", `{"item":"A"}`, tt.headers...)
			head, _ := h.events.Head(context.Background())
			if tt.status == http.StatusOK {
				if rec.Code != http.StatusOK || head != 1 {
					t.Fatalf("status %d, head %d: %s", rec.Code, head, rec.Body)
				}
				return
			}
			checkProblem(t, rec, tt.status, tt.code)
			if head != 0 {
				t.Errorf("a refused request stored events: head %d", head)
			}
		})
	}
}

func TestReadsFromOtherSitesPassButNotFromOtherHosts(t *testing.T) {
	h := newHarness(t)
	if rec := h.do("GET", "/healthz", "", "Sec-Fetch-Site", "cross-site"); rec.Code != http.StatusOK {
		t.Errorf("a cross-site read: status %d", rec.Code)
	}
	// A rebound name could read data, not only write it.
	checkProblem(t, h.do("GET", "/api/modules", "", "Host", "evil.example"), http.StatusMisdirectedRequest, "unknown_host")
}
