package main_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpStub is an OTLP/HTTP trace receiver that keeps what it was sent.
type otlpStub struct {
	url  string
	mu   sync.Mutex
	raw  [][]byte
	reqs []*coltrace.ExportTraceServiceRequest
}

// newOTLPStub listens on addr ("" for any free port) until the test ends.
func newOTLPStub(t *testing.T, addr string) *otlpStub {
	t.Helper()
	s := &otlpStub{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	if addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Skipf("cannot listen on %s: %v", addr, err)
		}
		_ = srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Start()
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

func (s *otlpStub) serveHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	req := &coltrace.ExportTraceServiceRequest{}
	if err == nil {
		err = proto.Unmarshal(raw, req)
	}
	if r.URL.Path != "/v1/traces" || err != nil {
		http.Error(w, "not an OTLP trace export", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.raw, s.reqs = append(s.raw, raw), append(s.reqs, req)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	_, _ = w.Write(out)
}

// received returns the span names and the service names it got, and
// every raw request body joined.
func (s *otlpStub) received() (spans, services map[string]int, raw []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	spans, services = map[string]int{}, map[string]int{}
	for _, req := range s.reqs {
		for _, rs := range req.GetResourceSpans() {
			for _, a := range rs.GetResource().GetAttributes() {
				if a.GetKey() == "service.name" {
					services[a.GetValue().GetStringValue()]++
				}
			}
			for _, ss := range rs.GetScopeSpans() {
				for _, sp := range ss.GetSpans() {
					spans[sp.GetName()]++
				}
			}
		}
	}
	return spans, services, bytes.Join(s.raw, nil)
}

// noOTEL clears the OTEL_* variables the test runner may have set.
var noOTEL = []string{"OTEL_SDK_DISABLED=", "OTEL_TRACES_EXPORTER=", "OTEL_EXPORTER_OTLP_ENDPOINT=",
	"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=", "OTEL_EXPORTER_OTLP_PROTOCOL=", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="}

// TestTracesExportedOverOTLP: with OTEL_EXPORTER_OTLP_ENDPOINT set, the
// real binary sends its spans to that OTLP/HTTP receiver, under the
// OTEL_SERVICE_NAME, and no span carries the request's secrets (the API
// token, a field of the body, the query).
func TestTracesExportedOverOTLP(t *testing.T) {
	t.Parallel()
	stub := newOTLPStub(t, "")
	dir := t.TempDir()
	p := serveEnv(t, dir, append(noOTEL, "OTEL_EXPORTER_OTLP_ENDPOINT="+stub.url, "OTEL_SERVICE_NAME=webos-trace-test",
		"OTEL_BSP_SCHEDULE_DELAY=50"))
	const secretName = "Secret-Name-7f3a9c"
	p.command("warehouse.RegisterItem", `{"sku":"OT-1","name":"`+secretName+`","unit":"pcs","lowStockThreshold":0}`)
	if status, _, _ := p.do("POST", "/api/commands/warehouse.RegisterItem?access_token=query-secret-51be", `{"sku":"OT-2","name":"x","unit":"pcs","lowStockThreshold":0}`, nil); status >= 500 {
		t.Fatalf("second command: %d", status)
	}
	p.caughtUp()
	p.stop() // the last spans leave at shutdown
	spans, services, raw := stub.received()
	for _, want := range []string{"POST /api/commands/:name", "command warehouse.RegisterItem", "eventstore.append",
		"projection.batch warehouse.stock", "bus.forward webos-event-warehouse-ItemRegistered"} {
		if spans[want] == 0 {
			t.Errorf("no span %q exported; got %v", want, spans)
		}
	}
	if services["webos-trace-test"] == 0 || len(services) != 1 {
		t.Errorf("service names %v, want only webos-trace-test", services)
	}
	for _, secret := range []string{p.token, secretName, "query-secret-51be"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the exported spans hold %q", secret)
		}
	}
}

// TestTracingOffExportsNothing: without the OTEL_* variables nothing is
// sent, not even to the OTLP default endpoint (localhost:4318, where the
// OpenTelemetry SDK's own default would send); with
// OTEL_TRACES_EXPORTER=none nothing is sent to a configured endpoint.
func TestTracingOffExportsNothing(t *testing.T) {
	t.Parallel()
	configured := newOTLPStub(t, "")
	runs := map[string][]string{
		"exporter none": append(noOTEL, "OTEL_EXPORTER_OTLP_ENDPOINT="+configured.url, "OTEL_TRACES_EXPORTER=none", "OTEL_BSP_SCHEDULE_DELAY=50"),
		"sdk disabled":  append(noOTEL, "OTEL_EXPORTER_OTLP_ENDPOINT="+configured.url, "OTEL_SDK_DISABLED=true", "OTEL_BSP_SCHEDULE_DELAY=50"),
	}
	for name, env := range runs {
		p := serveEnv(t, t.TempDir(), env)
		p.command("warehouse.RegisterItem", `{"sku":"OFF-1","name":"Off","unit":"pcs","lowStockThreshold":0}`)
		p.stop()
		if spans, _, _ := configured.received(); len(spans) > 0 {
			t.Fatalf("%s: spans were exported: %v", name, spans)
		}
	}
	// The default endpoint: skipped when something else holds the port.
	def := newOTLPStub(t, "127.0.0.1:4318")
	p := serveEnv(t, t.TempDir(), append(noOTEL, "OTEL_BSP_SCHEDULE_DELAY=50"))
	p.command("warehouse.RegisterItem", `{"sku":"OFF-2","name":"Off","unit":"pcs","lowStockThreshold":0}`)
	p.stop()
	if spans, _, _ := def.received(); len(spans) > 0 {
		t.Fatalf("no OTEL_* set, yet spans went to the default endpoint: %v", spans)
	}
}

// TestTracingBadEnvironment: an OTEL_* value the engine cannot honour
// stops the start with exit 2 and one line naming the variable, never its
// value's secrets.
func TestTracingBadEnvironment(t *testing.T) {
	t.Parallel()
	binary(t) // built before the clock starts: only the start is timed
	for env, name := range map[string]string{
		"OTEL_TRACES_EXPORTER=zipkin":                           "OTEL_TRACES_EXPORTER",
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/json":                 "OTEL_EXPORTER_OTLP_PROTOCOL",
		"OTEL_EXPORTER_OTLP_ENDPOINT=collector:4318":            "OTEL_EXPORTER_OTLP_ENDPOINT",
		"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=ftp://u:s3cret@h/x": "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
	} {
		start := time.Now()
		out, err := badStart(t, env)
		exit := (*exec.ExitError)(nil)
		if !errors.As(err, &exit) || exit.ExitCode() != 2 || time.Since(start) > 15*time.Second {
			t.Errorf("%s: want exit 2 at once, got %v:\n%s", env, err, out)
			continue
		}
		if last := lastLine(string(out)); !strings.Contains(last, name) || strings.Contains(string(out), "s3cret") {
			t.Errorf("%s: want one line naming %s without secrets, got:\n%s", env, name, out)
		}
	}
}

// badStart runs serve with tracing asked for and env added, and returns
// its output once it exits (within 30s: it must not start).
func badStart(t *testing.T, env string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, binary(t), "serve", "--data-dir", t.TempDir(), "--addr", freeAddr(t))
	// The protocol matters only once tracing is on.
	c.Env = append(append(c.Environ(), noOTEL...), "OTEL_TRACES_EXPORTER=otlp", env)
	return c.CombinedOutput()
}

// TestTracingCollectorDown: a collector that does not answer costs the
// commands nothing: they succeed, the failed exports are warnings in the
// log, and the engine still stops cleanly.
func TestTracingCollectorDown(t *testing.T) {
	t.Parallel()
	p := serveEnv(t, t.TempDir(), append(noOTEL, "OTEL_EXPORTER_OTLP_ENDPOINT=http://"+freeAddr(t),
		"OTEL_BSP_SCHEDULE_DELAY=50", "OTEL_EXPORTER_OTLP_TIMEOUT=500"))
	for i := range 5 {
		start := time.Now()
		p.command("warehouse.RegisterItem", `{"sku":"DOWN-`+strconv.Itoa(i)+`","name":"Down","unit":"pcs","lowStockThreshold":0}`)
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("a command took %s with the collector down", took)
		}
	}
	p.wantLog("tracing: export failed")
	start := time.Now()
	p.stop()
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("stopping took %s with the collector down", took)
	}
}
