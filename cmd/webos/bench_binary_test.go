package main_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/webos-engine/webos/cmd/internal/loadgen"
)

// BenchmarkServeBinary measures the real binary as an operator runs it:
// `webos serve` with its default logging (JSON to stderr, here a file),
// driven over TCP by a separate load-generator process (cmd/webos-load,
// 32 connections). ReceiveStock on 200 existing items is compared with
// GET /healthz through the same generator, and log-B/req is what the
// server wrote to its log per request. ReceiveStock-log-warn is the same
// load on a server started with --log-level warn: no access log, so the
// difference is what the access log costs.
func BenchmarkServeBinary(b *testing.B) {
	bin, gen := binary(b), loadBinary(b)
	for _, c := range []struct{ name, target, logLevel string }{
		{"baseline-healthz", "healthz", "info"},
		{"ReceiveStock", "commands", "info"},
		{"ReceiveStock-log-warn", "commands", "warn"},
	} {
		url, logPath, token := startServer(b, bin, c.logLevel)
		runLoad(b, gen, url, "-setup", "-token", token)
		b.Run(c.name, func(b *testing.B) {
			before := fileSize(b, logPath)
			b.ResetTimer()
			res := runLoad(b, gen, url, "-target", c.target, "-n", strconv.Itoa(b.N), "-token", token)
			b.StopTimer()
			b.ReportMetric(res.PerSecond(), "req/s")
			b.ReportMetric(float64(res.P50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(res.P99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(fileSize(b, logPath)-before)/float64(b.N), "log-B/req")
		})
	}
}

// startServer starts `webos serve` on a fresh data dir, its stdout and
// stderr going to a file, and stops it when b ends. It returns the base
// URL, the log file and an administrator's API token.
func startServer(b *testing.B, bin, logLevel string) (url, logPath, token string) {
	b.Helper()
	dir := b.TempDir()
	token = adminToken(b, filepath.Join(dir, "data"))
	logPath = filepath.Join(dir, "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		b.Fatal(err)
	}
	addr := freeAddr(b)
	srv := exec.Command(bin, "serve", "--data-dir", filepath.Join(dir, "data"), "--addr", addr, "--log-level", logLevel)
	srv.Stdout, srv.Stderr = logFile, logFile
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
		_ = logFile.Close()
	})
	url = "http://" + addr
	waitReady(b, url)
	return url, logPath, token
}

var loadBin = struct {
	path string
	err  error
}{}

// loadBinary builds cmd/webos-load next to the webos binary.
func loadBinary(b *testing.B) string {
	b.Helper()
	if loadBin.path == "" && loadBin.err == nil {
		loadBin.path = filepath.Join(filepath.Dir(binary(b)), "webos-load")
		if out, err := exec.Command("go", "build", "-o", loadBin.path, "../webos-load").CombinedOutput(); err != nil {
			loadBin.err = err
			b.Fatalf("go build webos-load: %v\n%s", err, out)
		}
	}
	if loadBin.err != nil {
		b.Fatal(loadBin.err)
	}
	return loadBin.path
}

// runLoad runs the generator and decodes its result.
func runLoad(b *testing.B, gen, url string, args ...string) loadgen.Result {
	b.Helper()
	out, err := exec.Command(gen, append([]string{"-url", url}, args...)...).Output()
	if err != nil {
		var stderr []byte
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		b.Fatalf("webos-load %v: %v\n%s", args, err, stderr)
	}
	var res loadgen.Result
	if err := json.Unmarshal(out, &res); err != nil {
		b.Fatalf("webos-load printed %q: %v", out, err)
	}
	return res
}

func waitReady(b *testing.B, url string) {
	b.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(url + "/readyz"); err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatal("webos did not become ready")
}

func fileSize(b *testing.B, path string) int64 {
	b.Helper()
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}
