package domain_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/webos-engine/webos/domain"
)

// vectorFile holds the golden vectors shared with docs/audit/verify.py.
const vectorFile = "testdata/hash-vectors.json"

type vector struct {
	Name      string          `json:"name"`
	Scheme    string          `json:"scheme"`
	Envelope  domain.Envelope `json:"envelope"`
	Canonical string          `json:"canonical"`
	Hash      string          `json:"hash"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	raw, err := os.ReadFile(vectorFile)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Vectors []vector `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) < 8 {
		t.Fatalf("only %d vectors", len(f.Vectors))
	}
	return f.Vectors
}

// TestGoldenVectors pins the bytes and hashes of both schemes: a change in
// the canonical form, or in encoding/json for the legacy scheme, would
// silently invalidate stored history, so it must fail here first.
func TestGoldenVectors(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t) {
		e := v.Envelope
		s, err := domain.SchemeOf(v.Hash)
		if err != nil || s.String() != v.Scheme || e.Hash != v.Hash {
			t.Errorf("%s: hash %q reads as scheme %v (%v), want %s", v.Name, v.Hash, s, err, v.Scheme)
			continue
		}
		b, err := s.Canonical(e.PrevHash, &e)
		if err != nil || string(b) != v.Canonical {
			t.Errorf("%s: canonical bytes\n got %s (%v)\nwant %s", v.Name, b, err, v.Canonical)
		}
		if err := domain.VerifyChain(e.PrevHash, []domain.Envelope{e}); err != nil {
			t.Errorf("%s: %v", v.Name, err)
		}
	}
}

// TestGoldenEmptyTraceContext checks that nil and empty trace contexts hash
// alike under v2, so an envelope read back from JSON (which omits an empty
// one) still verifies.
func TestGoldenEmptyTraceContext(t *testing.T) {
	t.Parallel()
	e := loadVectors(t)[3].Envelope
	if e.TraceContext == nil {
		t.Fatal("vector 3 must carry an empty trace context")
	}
	withEmpty, _ := domain.HashEvent(e.PrevHash, &e)
	e.TraceContext = nil
	withNil, _ := domain.HashEvent(e.PrevHash, &e)
	if withEmpty != withNil {
		t.Fatalf("empty %s != nil %s", withEmpty, withNil)
	}
}
