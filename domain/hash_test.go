package domain_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/domain"
)

func chain(t *testing.T, n int) []domain.Envelope {
	t.Helper()
	evs := make([]domain.Envelope, n)
	for i := range evs {
		evs[i] = domain.Envelope{
			ID: string(rune('a' + i)), Type: "t.Happened", SchemaVersion: 1, StreamID: "s",
			RecordedAt: time.Date(2026, 1, 2, 3, 4, 5, 6000*i, time.FixedZone("X", 3600)),
			Actor:      "ann", CorrelationID: "c", TraceContext: map[string]string{"traceparent": "00-x"},
			Data: json.RawMessage(`{"n": 1, "s": "x"}`),
		}
	}
	if err := domain.Chain(0, "", evs); err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestChainVerifies(t *testing.T) {
	t.Parallel()
	evs := chain(t, 4)
	if evs[0].PrevHash != "" || evs[1].PrevHash != evs[0].Hash || evs[3].StreamVersion != 4 {
		t.Fatalf("chain not linked: %+v", evs)
	}
	if err := domain.VerifyChain("", evs); err != nil {
		t.Fatal(err)
	}
	// A suffix verifies from its predecessor's hash.
	if err := domain.VerifyChain(evs[1].Hash, evs[2:]); err != nil {
		t.Fatal(err)
	}
	// White space in Data is not significant: stores may reformat it.
	evs[2].Data = json.RawMessage(`{"n":1,"s":"x"}`)
	if err := domain.VerifyChain("", evs); err != nil {
		t.Fatalf("compacted data must hash the same: %v", err)
	}
}

func TestChainDetectsTampering(t *testing.T) {
	t.Parallel()
	tamper := map[string]func(e []domain.Envelope){
		"data":          func(e []domain.Envelope) { e[1].Data = json.RawMessage(`{"n":2,"s":"x"}`) },
		"actor":         func(e []domain.Envelope) { e[2].Actor = "mallory" },
		"recorded at":   func(e []domain.Envelope) { e[0].RecordedAt = e[0].RecordedAt.Add(time.Nanosecond) },
		"type":          func(e []domain.Envelope) { e[3].Type = "t.Other" },
		"trace context": func(e []domain.Envelope) { e[1].TraceContext = nil },
		"removed event": func(e []domain.Envelope) { copy(e[1:], e[2:]) },
		"swapped":       func(e []domain.Envelope) { e[1], e[2] = e[2], e[1] },
		"rehashed one":  func(e []domain.Envelope) { e[1].Actor = "m"; e[1].Hash, _ = domain.HashEvent(e[1].PrevHash, &e[1]) },
	}
	for name, fn := range tamper {
		evs := chain(t, 4)
		fn(evs)
		if err := domain.VerifyChain("", evs); err == nil {
			t.Errorf("%s: tampering went unnoticed", name)
		}
	}
}

func TestHashRejectsInvalidData(t *testing.T) {
	t.Parallel()
	e := domain.Envelope{ID: "x", Data: json.RawMessage(`{nope`)}
	if _, err := domain.HashEvent("", &e); domain.KindOf(err) != domain.KindInvalid || !strings.Contains(err.Error(), "event x: data") {
		t.Fatalf("got %v", err)
	}
}
