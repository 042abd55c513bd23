package domain_test

import (
	"testing"

	"github.com/webos-engine/webos/domain"
)

// TestCanonicalJSONReusesItsBuffers: canonicalising event data into a
// buffer with room allocates no member stack or reorder buffer once warm,
// out-of-order keys included (each append canonicalises its events
// twice), and a parse after one of other data is unaffected by it.
func TestCanonicalJSONReusesItsBuffers(t *testing.T) {
	// No numbers: formatting one allocates a few bytes of its own.
	data := []byte(`{"sku":"SKU-1","location":"A-01-03","lot":"2031-07","nested":{"z":"Müller","a":[true,null]}}`)
	want := `{"location":"A-01-03","lot":"2031-07","nested":{"a":[true,null],"z":"Müller"},"sku":"SKU-1"}`
	out := make([]byte, 0, 2*len(data))
	allocs := testing.AllocsPerRun(200, func() {
		var err error
		if out, err = domain.CanonicalJSON(out[:0], data); err != nil {
			t.Fatal(err)
		}
	})
	// The race detector makes sync.Pool drop some of what is put back.
	if allocs >= 0.5 && !raceEnabled {
		t.Errorf("%.2f allocations per call, want none", allocs)
	}
	if string(out) != want {
		t.Fatalf("got %s, want %s", out, want)
	}
	if _, err := domain.CanonicalJSON(nil, []byte(`{"b":1,"a":{"d":2,"c":3},"b":4}`)); err == nil {
		t.Fatal("a duplicate key was accepted")
	}
	if got, err := domain.CanonicalJSON(nil, data); err != nil || string(got) != want {
		t.Fatalf("after another parse: %s (%v), want %s", got, err, want)
	}
}
