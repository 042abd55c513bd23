package main_test

import (
	"net/http"
	"reflect"
	"testing"
)

// TestIdempotentRetryAcrossSIGKILL sends commands with an Idempotency-Key,
// kills the server right after their answers, restarts it and sends them
// again: the answers are the first ones, and nothing is appended twice.
// The same key with another body is refused.
func TestIdempotentRetryAcrossSIGKILL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := serve(t, dir)
	sent := []struct{ cmd, body, key string }{
		{"warehouse.RegisterItem", `{"sku":"IDEM-1","name":"Idempotent","unit":"pcs","lowStockThreshold":1}`, "register-IDEM-1"},
		{"warehouse.ReceiveStock", `{"sku":"IDEM-1","quantity":7,"reference":"po-1"}`, "receive-po-1"},
	}
	first := make([]map[string]any, len(sent))
	for i, s := range sent {
		status, out, _ := p.do("POST", "/api/commands/"+s.cmd, s.body, map[string]string{"Idempotency-Key": s.key})
		if status != http.StatusOK {
			t.Fatalf("%s: %d %v", s.cmd, status, out)
		}
		first[i] = out
	}
	p.kill()

	p = serve(t, dir)
	for i, s := range sent {
		status, out, hdr := p.do("POST", "/api/commands/"+s.cmd, s.body, map[string]string{"Idempotency-Key": s.key})
		if status != http.StatusOK || !reflect.DeepEqual(out, first[i]) {
			t.Fatalf("%s again after SIGKILL: %d %v, want the first answer %v", s.cmd, status, out, first[i])
		}
		if hdr.Get("ETag") == "" {
			t.Fatalf("%s again: no ETag", s.cmd)
		}
	}
	status, out, _ := p.do("POST", "/api/commands/warehouse.ReceiveStock", `{"sku":"IDEM-1","quantity":8,"reference":"po-1"}`,
		map[string]string{"Idempotency-Key": "receive-po-1"})
	if status != http.StatusUnprocessableEntity || out["code"] != "idempotency_key_reused" {
		t.Fatalf("the key with another body: %d %v, want 422 idempotency_key_reused", status, out)
	}
	evs := p.stream("warehouse.item-IDEM-1")
	if len(evs) != 2 {
		t.Fatalf("the stream holds %d events, want 2 (registered, received once)", len(evs))
	}
	for i, e := range evs {
		if ids := first[i]["events"].([]any); len(ids) != 1 || ids[0] != e.ID {
			t.Fatalf("event %d is %s, want the one first answered, %v", i+1, e.ID, ids)
		}
	}
	p.stop()
}
