package bus_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/domain"
)

func TestEventTopic(t *testing.T) {
	for typ, want := range map[string]string{
		"warehouse.StockReceived": "webos-event-warehouse-StockReceived",
		"a.b.C":                   "webos-event-a-b-C",
	} {
		if got := bus.EventTopic(typ); got != want {
			t.Errorf("EventTopic(%q) = %q, want %q", typ, got, want)
		}
	}
	if got := bus.CommandTopic("orders.PlaceOrder"); got != "webos-command-orders-PlaceOrder" {
		t.Errorf("CommandTopic = %q", got)
	}
}

func TestMessageCarriesTheEnvelope(t *testing.T) {
	e := domain.Envelope{
		ID: "e1", Type: "m.Happened", SchemaVersion: 2, StreamID: "s-1", StreamVersion: 7, Position: 42,
		RecordedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Tenant: "acme", CorrelationID: "c1", CausationID: "k1",
		TraceContext: map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate": "k=v"},
		Data:         json.RawMessage(`{"n":1}`), PrevHash: "p", Hash: "h",
	}
	m, err := bus.NewMessage(e)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		bus.MetaEventID: "e1", bus.MetaEventType: "m.Happened", bus.MetaStreamID: "s-1", bus.MetaStreamVersion: "7",
		bus.MetaPosition: "42", bus.MetaHash: "h", bus.MetaTenant: "acme", bus.MetaCorrelationID: "c1",
		bus.MetaCausationID: "k1", bus.MetaTraceParent: e.TraceContext["traceparent"], bus.MetaTraceState: "k=v",
	}
	if m.UUID != "e1" || len(m.Metadata) != len(want) {
		t.Fatalf("message %s metadata %v, want uuid e1 and %v", m.UUID, m.Metadata, want)
	}
	for k, v := range want {
		if m.Metadata.Get(k) != v {
			t.Errorf("metadata %s = %q, want %q", k, m.Metadata.Get(k), v)
		}
	}
	got, err := bus.Envelope(m)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hash != e.Hash || got.Position != 42 || !got.RecordedAt.Equal(e.RecordedAt) || string(got.Data) != `{"n":1}` {
		t.Fatalf("decoded %+v, want %+v", got, e)
	}
}

func TestEnvelopeRefusesForeignMessages(t *testing.T) {
	for name, m := range map[string]*message.Message{
		"not json":     message.NewMessage("x", []byte("nope")),
		"another's id": message.NewMessage("x", []byte(`{"id":"y","type":"t"}`)),
	} {
		if _, err := bus.Envelope(m); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}
