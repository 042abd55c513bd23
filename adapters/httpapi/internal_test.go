package httpapi

import (
	"net/http"
	"testing"

	"github.com/webos-engine/webos/domain"
)

func TestStatusOf(t *testing.T) {
	tests := map[domain.Kind]int{
		domain.KindInvalid:   http.StatusBadRequest,
		domain.KindNotFound:  http.StatusNotFound,
		domain.KindConflict:  http.StatusConflict,
		domain.KindForbidden: http.StatusForbidden,
		domain.KindRejected:  http.StatusUnprocessableEntity,
		0:                    http.StatusInternalServerError,
		domain.Kind(99):      http.StatusInternalServerError,
	}
	for kind, want := range tests {
		if got := statusOf(kind); got != want {
			t.Errorf("statusOf(%v) = %d, want %d", kind, got, want)
		}
	}
}

func TestParseIfMatch(t *testing.T) {
	tests := []struct {
		header string
		want   uint64
		ok     bool
	}{
		{`"3"`, 3, true}, {`3`, 3, true}, {`W/"3"`, 3, true}, {` "0" `, 0, true},
		{`"18446744073709551615"`, 1<<64 - 1, true},
		{`"18446744073709551616"`, 0, false}, {`*`, 0, false}, {`"3`, 0, false},
		{`"-1"`, 0, false}, {`"+3"`, 0, false}, {`"3", "4"`, 0, false}, {`""`, 0, false}, {`w/"3"`, 0, false},
	}
	for _, tt := range tests {
		got, ok := parseIfMatch(tt.header)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseIfMatch(%q) = %d, %v; want %d, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestIsJSON(t *testing.T) {
	tests := map[string]bool{
		"": false, "application/json": true, "application/json; charset=utf-8": true,
		"Application/JSON; charset=UTF-8": true, "application/json; charset=latin1": false,
		"text/plain": false, "application/x-www-form-urlencoded": false, "application/json;;": false,
	}
	for ct, want := range tests {
		if got := isJSON(ct); got != want {
			t.Errorf("isJSON(%q) = %v, want %v", ct, got, want)
		}
	}
}

func TestHostPolicy(t *testing.T) {
	tests := []struct {
		allowed []string
		host    string
		want    bool
	}{
		{nil, "localhost:8080", true},
		{nil, "127.0.0.1:1234", true},
		{nil, "[::1]:8080", true},
		{nil, "LOCALHOST.:80", true},
		{nil, "localhost", true},
		{nil, "evil.example:8080", false},
		{nil, "", false},
		{[]string{"app.example:8080", "[::1]:8080"}, "app.example:8080", true},
		{[]string{"app.example:8080"}, "app.example:9090", false},
		{[]string{"app.example:8080"}, "app.example", false},
		{[]string{"app.example:80"}, "app.example", true},
		{[]string{"app.example:8080", "[::1]:8080"}, "[::1]:8080", true},
		{[]string{"app.example:8080"}, "localhost:8080", false},
		{[]string{"::1"}, "[::1]:1", true},
		{[]string{" Other.Example "}, "other.example:443", true},
		{[]string{"*"}, "anything:1", true},
	}
	for _, tt := range tests {
		if got := newHostPolicy(tt.allowed).allows(tt.host); got != tt.want {
			t.Errorf("%v allows %q = %v, want %v", tt.allowed, tt.host, got, tt.want)
		}
	}
}
