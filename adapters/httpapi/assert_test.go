package httpapi_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/webos-engine/webos/adapters/httpapi"
)

// titles are the stable titles of some problem types.
var titles = map[string]string{
	"invalid": "Invalid input", "version_conflict": "Version conflict", "unknown_host": "Unknown host",
	"cross_origin": "Cross-origin request refused", "qty_not_positive": "Qty not positive",
}

// decode unmarshals a response body, failing the test on bad JSON.
func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, rec.Body)
	}
	return v
}

// problemBody is what every error response must look like.
type problemBody struct {
	Type       string `json:"type"`
	Title      string `json:"title"`
	Status     int    `json:"status"`
	Detail     string `json:"detail"`
	Instance   string `json:"instance"`
	Code       string `json:"code"`
	RequestID  string `json:"requestId"`
	ErrorCount int    `json:"errorCount"`
	Errors     []struct {
		Pointer string `json:"pointer"`
		Detail  string `json:"detail"`
	} `json:"errors"`
}

// checkProblem asserts rec is a well-formed problem with status and code
// and returns it.
func checkProblem(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) problemBody {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	p := decode[problemBody](t, rec)
	if p.Code != code || p.Status != status || p.Type != httpapi.DefaultProblemBase+code ||
		p.Title == "" || p.Title != titles[code] && titles[code] != "" || p.ErrorCount < len(p.Errors) || p.Instance == "" || p.Errors == nil ||
		p.RequestID == "" || p.RequestID != rec.Header().Get("X-Request-ID") {
		t.Errorf("malformed problem: %+v", p)
	}
	return p
}
