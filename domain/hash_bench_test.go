package domain_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/webos-engine/webos/domain"
)

// BenchmarkHashEvent measures the hash of one typical command's event
// (a warehouse movement with a W3C trace context) under the legacy scheme
// and the current one, side by side, for docs/benchmarks.md. "v2+check"
// adds what the shared append validation does first (UTF-8 of the
// envelope, canonical data): the whole per-event cost of an append today,
// to compare with v1 alone, the whole cost before.
func BenchmarkHashEvent(b *testing.B) {
	e := domain.Envelope{
		ID: "0b6f1c2e-7d1a-4c3e-9f00-000000000001", Type: "warehouse.StockReceived", SchemaVersion: 1,
		StreamID: "warehouse.item-SKU-000123", StreamVersion: 17,
		RecordedAt: time.Date(2026, 11, 30, 11, 0, 0, 123456789, time.UTC),
		Actor:      "user:ann", Tenant: "default", CorrelationID: "req-8f3a", CausationID: "cmd-8f3a",
		TraceContext: map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
		Data:         json.RawMessage(`{"sku":"SKU-000123","quantity":5,"location":"A-01-3","reference":"PO-2026-0042","note":"Lieferung Müller"}`),
	}
	prev := "v2:" + "4bf92f3577b34da6a3ce929d0e0e47364bf92f3577b34da6a3ce929d0e0e4736"
	for _, s := range []domain.HashScheme{domain.HashV1, domain.HashV2} {
		b.Run(s.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Hash(prev, &e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("v2+check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := domain.CheckText(&e); err != nil {
				b.Fatal(err)
			}
			if _, err := domain.CanonicalJSON(make([]byte, 0, len(e.Data)), e.Data); err != nil {
				b.Fatal(err)
			}
			if _, err := domain.HashEvent(prev, &e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
