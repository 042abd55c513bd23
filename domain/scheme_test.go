package domain_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/webos-engine/webos/domain"
)

// legacyChain re-hashes evs under HashV1, as today's stores wrote them
// before HashV2.
func legacyChain(t *testing.T, evs []domain.Envelope) {
	t.Helper()
	prev := ""
	for i := range evs {
		h, err := domain.HashV1.Hash(prev, &evs[i])
		if err != nil {
			t.Fatal(err)
		}
		evs[i].PrevHash, evs[i].Hash, prev = prev, h, h
	}
}

func TestChainWritesTaggedV2(t *testing.T) {
	t.Parallel()
	for _, e := range chain(t, 3) {
		if s, err := domain.SchemeOf(e.Hash); err != nil || s != domain.HashV2 || !strings.HasPrefix(e.Hash, "v2:") {
			t.Fatalf("hash %q: scheme %v, %v", e.Hash, s, err)
		}
	}
}

// TestLegacyThenCurrent verifies a stream whose old events were written
// under v1 and whose new ones, appended after the upgrade, under v2.
func TestLegacyThenCurrent(t *testing.T) {
	t.Parallel()
	evs := chain(t, 4)
	legacyChain(t, evs[:2])
	if err := domain.Chain(2, evs[1].Hash, evs[2:]); err != nil {
		t.Fatal(err)
	}
	if err := domain.VerifyChain("", evs); err != nil {
		t.Fatal(err)
	}
	// Going back to v1 after v2 is refused even when the hash is right.
	evs[3].Hash, _ = domain.HashV1.Hash(evs[3].PrevHash, &evs[3])
	if err := domain.VerifyChain("", evs); err == nil || !strings.Contains(err.Error(), "scheme v1 follows v2") {
		t.Fatalf("downgrade: %v", err)
	}
}

// TestV2IgnoresStoreKeyOrder is the reason for v2: a store that reorders
// the keys of data (jsonb, BSON) or re-escapes it keeps the hash valid.
func TestV2IgnoresStoreKeyOrder(t *testing.T) {
	t.Parallel()
	evs := chain(t, 2)
	evs[0].Data = json.RawMessage(`{"s":"\u0078","n":1.0}`)
	if err := domain.VerifyChain("", evs); err != nil {
		t.Fatal(err)
	}
	legacyChain(t, evs)
	evs[0].Data = json.RawMessage(`{"s":"x","n":1}`)
	if err := domain.VerifyChain("", evs); err == nil {
		t.Fatal("v1 depends on the stored key order; the reordered data must not verify")
	}
}

func TestSchemeOfRefusesUnknownTags(t *testing.T) {
	t.Parallel()
	hex := strings.Repeat("ab", 32)
	for _, h := range []string{"", "v3:" + hex, "v2:" + hex[:63], strings.ToUpper(hex), "v2:" + hex + "0"} {
		if _, err := domain.SchemeOf(h); err == nil {
			t.Errorf("%q: accepted", h)
		}
	}
	evs := chain(t, 1)
	evs[0].Hash = "v9:" + hex
	if err := domain.VerifyChain("", evs); err == nil || !strings.Contains(err.Error(), "no known scheme") {
		t.Fatalf("got %v", err)
	}
}

func TestChainRefusesInvalidText(t *testing.T) {
	t.Parallel()
	evs := chain(t, 1)
	evs[0].TraceContext = map[string]string{"tracestate": "vendor=\xff"}
	if err := domain.Chain(0, "", evs); domain.KindOf(err) != domain.KindInvalid {
		t.Fatalf("got %v", err)
	}
}
