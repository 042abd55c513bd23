package eventstoretest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// testInvalidText checks that text a store could not keep byte for byte
// is refused before anything is written. A tracestate with the byte 0xff
// is valid for net/http, but SQLite stores U+FFFD for it, and the stream
// then failed to verify for ever.
func testInvalidText(t *testing.T, s application.EventStore) {
	ctx := context.Background()
	cases := map[string]func(e *domain.Envelope){
		"tracestate":        func(e *domain.Envelope) { e.TraceContext = map[string]string{"tracestate": "vendor=\xff"} },
		"trace key":         func(e *domain.Envelope) { e.TraceContext = map[string]string{"x\xfe": "v"} },
		"actor":             func(e *domain.Envelope) { e.Actor = "ann\xc3" },
		"correlation id":    func(e *domain.Envelope) { e.CorrelationID = "\xed\xa0\x80" },
		"data bytes":        func(e *domain.Envelope) { e.Data = json.RawMessage("{\"s\":\"\xff\"}") },
		"lone surrogate":    func(e *domain.Envelope) { e.Data = json.RawMessage(`{"s":"\ud800"}`) },
		"duplicate key":     func(e *domain.Envelope) { e.Data = json.RawMessage(`{"quantity":-5,"quantity":1}`) },
		"integer over 2^53": func(e *domain.Envelope) { e.Data = json.RawMessage(`{"n":9007199254740993}`) },
	}
	for name, mutate := range cases {
		evs := newEvents(2)
		mutate(&evs[1])
		if _, err := s.Append(ctx, "text", domain.AnyVersion, evs); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("%s: err %v, want invalid", name, err)
		}
	}
	if _, err := s.Append(ctx, "bad\xff", domain.AnyVersion, newEvents(1)); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("stream id: err %v, want invalid", err)
	}
	unchanged(t, s, "text", 0, 0)
}

// testCanonicalText checks that valid non-ASCII text, escapes and data
// keys in any order round-trip and verify, with the current hash scheme.
func testCanonicalText(t *testing.T, s application.EventStore) {
	evs := newEvents(2)
	evs[0].Actor, evs[0].Tenant = "jürgen", "mandant-Ä"
	evs[0].TraceContext = map[string]string{"tracestate": "vendor=é,other=😀", "traceparent": "00-x"}
	evs[0].Data = json.RawMessage(`{"z": "\u00e9\n", "a": {"y": [1.0, 1e2], "x": "€"}}`)
	evs[1].TraceContext = map[string]string{}
	if _, err := s.Append(context.Background(), "lager-Ö", domain.NoStream, evs); err != nil {
		t.Fatal(err)
	}
	got := readStream(t, s, "lager-Ö", 0, application.Forward, 0)
	if err := domain.VerifyChain("", got); err != nil {
		t.Fatal(err)
	}
	for _, e := range got {
		if !strings.HasPrefix(e.Hash, "v2:") {
			t.Fatalf("hash %q is not tagged with the current scheme", e.Hash)
		}
	}
	if got[0].Actor != "jürgen" || got[0].TraceContext["tracestate"] != "vendor=é,other=😀" {
		t.Fatalf("text changed in the store: %+v", got[0])
	}
}
