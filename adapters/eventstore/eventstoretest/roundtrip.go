package eventstoretest

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// richEvents sets every writer-owned field, with the awkward cases a store
// could lose: a non-UTC time with nanoseconds, odd white space and key order
// in Data, escapes, and nil versus empty TraceContext (they hash apart under
// the legacy scheme v1, so a store keeps them apart for old events).
func richEvents() []domain.Envelope {
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	at := time.Date(2031, 7, 9, 23, 59, 58, 123456789, zone)
	full := domain.Envelope{
		ID: "rich-1", Type: "billing.InvoiceIssued", SchemaVersion: 7, RecordedAt: at,
		Actor: "user:ada", Tenant: "acme", CorrelationID: "corr-9", CausationID: "cmd-3",
		TraceContext: map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate": "k=v"},
		Data:         json.RawMessage("{ \"z\": 1,\n  \"a\": [1, 2.50, \"\\u00e9\\n\"], \"\u00fc\": null }"),
	}
	bare := domain.Envelope{ID: "rich-2", Type: "billing.Noted", RecordedAt: at.Add(time.Nanosecond), Data: json.RawMessage(`"just a string"`)}
	empty := domain.Envelope{ID: "rich-3", Type: "billing.Noted", SchemaVersion: 1, TraceContext: map[string]string{}, Data: json.RawMessage(`[]`)}
	// Bytes that are not UTF-8 are refused (testInvalidText); escapes and
	// non-ASCII text are kept as written.
	text := domain.Envelope{ID: "rich-4", Type: "billing.Noted", Actor: "\u00e9", Data: json.RawMessage(`{"raw":"\u00e9\ud83d\ude00é"}`)}
	return []domain.Envelope{full, bare, empty, text}
}

func testRoundTrip(t *testing.T, s application.EventStore) {
	ctx := context.Background()
	mustAppend(t, s, "invoice-7", domain.NoStream, 1)
	in := richEvents()
	out, err := s.Append(ctx, "invoice-7", 1, in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range out {
		want := in[i]
		want.StreamID, want.RecordedAt = "invoice-7", want.RecordedAt.UTC()
		want.StreamVersion, want.Position = out[i].StreamVersion, out[i].Position
		want.PrevHash, want.Hash = out[i].PrevHash, out[i].Hash
		sameEnvelope(t, "appended", out[i], want)
	}
	stream := readStream(t, s, "invoice-7", 2, application.Forward, 0)
	all := feedAfter(t, s, out[0].Position-1, len(out))
	for i := range out {
		sameEnvelope(t, "read from stream", stream[i], out[i])
		sameEnvelope(t, "read from feed", all[i], out[i])
	}
	if err := domain.VerifyChain("", readStream(t, s, "invoice-7", 0, application.Forward, 0)); err != nil {
		t.Fatalf("chain over the stream read back: %v", err)
	}
}

// sameEnvelope compares every field; RecordedAt must be the same instant,
// in UTC, to the nanosecond.
func sameEnvelope(t *testing.T, what string, got, want domain.Envelope) {
	t.Helper()
	if !got.RecordedAt.Equal(want.RecordedAt) || got.RecordedAt.Location() != time.UTC {
		t.Errorf("%s %s: RecordedAt %s, want %s in UTC", what, want.ID,
			got.RecordedAt.Format(time.RFC3339Nano), want.RecordedAt.Format(time.RFC3339Nano))
	}
	got.RecordedAt, want.RecordedAt = time.Time{}, time.Time{}
	if string(got.Data) != string(want.Data) {
		t.Errorf("%s %s: data %q, want the exact bytes %q", what, want.ID, got.Data, want.Data)
	}
	if (got.TraceContext == nil) != (want.TraceContext == nil) {
		t.Errorf("%s %s: TraceContext %#v, want %#v", what, want.ID, got.TraceContext, want.TraceContext)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s %s:\n got %+v\nwant %+v", what, want.ID, got, want)
	}
}
