package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

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
	if p.Code != code || p.Status != status || p.Type != "https://webos.dev/problems/"+code ||
		p.Title != http.StatusText(status) || p.Instance == "" || p.Errors == nil ||
		p.RequestID == "" || p.RequestID != rec.Header().Get("X-Request-ID") {
		t.Errorf("malformed problem: %+v", p)
	}
	return p
}
