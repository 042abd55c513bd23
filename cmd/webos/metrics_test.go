package main_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// metricsBody scrapes the metrics address.
func metricsBody(t *testing.T, addr string) string {
	t.Helper()
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d\n%s", res.StatusCode, body)
	}
	return string(body)
}

// sample returns the value written for the sample name{labels}, "" when
// there is none.
func sample(body, name string) string {
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}

func TestMetricsOnTheirOwnAddress(t *testing.T) {
	dir := t.TempDir()
	maddr := freeAddr(t)
	p := serve(t, dir, "--metrics-addr", maddr)
	const (
		cmd      = `webos_command_duration_seconds_count{command="warehouse.RegisterItem",outcome="ok"}`
		bad      = `webos_command_duration_seconds_count{command="warehouse.RegisterItem",outcome="invalid"}`
		appended = `webos_eventstore_append_duration_seconds_count{outcome="ok"}`
	)
	before := metricsBody(t, maddr)
	if sample(before, cmd) != "" {
		t.Fatalf("%s before any command:\n%s", cmd, before)
	}
	p.command("warehouse.RegisterItem", `{"sku":"M-1","name":"Item","unit":"pcs","lowStockThreshold":5}`)
	if status, _, _ := p.do("POST", "/api/commands/warehouse.RegisterItem", `{"sku":""}`, nil); status != http.StatusUnprocessableEntity && status != http.StatusBadRequest {
		t.Fatalf("invalid RegisterItem: %d", status)
	}
	p.caughtUp()
	after := metricsBody(t, maddr)
	for name, want := range map[string]string{cmd: "1", bad: "1"} {
		if got := sample(after, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if b, a := sample(before, appended), sample(after, appended); a == "" || a == b {
		t.Errorf("%s did not change after a command: %q then %q", appended, b, a)
	}
	if got := sample(after, `webos_projection_lag_events{projection="warehouse.stock"}`); got != "0" {
		t.Errorf("projection lag after catching up = %q, want 0\n%s", got, after)
	}
	// The API address does not serve them: command names stay behind the
	// metrics address.
	if res, err := http.Get(p.url + "/metrics"); err != nil {
		t.Fatal(err)
	} else {
		_ = res.Body.Close()
		if res.StatusCode == http.StatusOK {
			t.Error("/metrics answered on the API address")
		}
	}
}
