package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/bus/bustest"
	"github.com/webos-engine/webos/adapters/testkit/pgtest"
)

// BenchmarkServeBinaryPostgres is the HTTP command end to end of
// BenchmarkServeBinary (ReceiveStock on 200 items, 32 connections from the
// separate load generator) with the events in PostgreSQL (a fresh schema
// of the machine's server), against the embedded SQLite default in the
// same run. Read models stay in SQLite on both sides.
func BenchmarkServeBinaryPostgres(b *testing.B) {
	bin, gen := binary(b), loadBinary(b)
	for _, store := range []string{"sqlite", "postgres"} {
		url := ""
		if store == "postgres" {
			url = pgtest.URL(b) + "&schema=" + pgtest.Schema(b, "bench")
		}
		b.Setenv("WEBOS_EVENTSTORE", url)
		base, _, token := startServer(b, bin, "warn")
		runLoad(b, gen, base, "-setup", "-token", token)
		b.Run("ReceiveStock-"+store, func(b *testing.B) {
			res := runLoad(b, gen, base, "-target", "commands", "-n", strconv.Itoa(b.N), "-token", token)
			b.ReportMetric(res.PerSecond(), "req/s")
			b.ReportMetric(float64(res.P50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(res.P99.Microseconds())/1000, "p99-ms")
			if ok := res.Status[http.StatusOK]; ok != b.N {
				b.Fatalf("%d of %d commands answered 200: %v", ok, b.N, res.Status)
			}
		})
	}
}

// BenchmarkProjectionLag runs the binary on PostgreSQL (a fresh schema)
// with the bus on NATS JetStream (a nats-server of its own), and sends
// ReceiveStock commands at a fixed rate (WEBOS_BENCH_RATE, default 1,000
// per second; -benchtime Nx sets how many) from 64 clients, open loop: a
// command is due every 1/rate whether or not the earlier ones were
// answered. For one command in ten, once it is answered, a view query on
// warehouse.stock with minPosition set to the command's position measures
// how long until the projection has applied it (the server answers as
// soon as the projection got there; the figure includes that query's
// round trip, so it is an upper bound of the lag). Reported: the rate
// achieved, command latency p50/p99, and lag p50/p99.
func BenchmarkProjectionLag(b *testing.B) {
	rate := 1000
	if v, err := strconv.Atoi(os.Getenv("WEBOS_BENCH_RATE")); err == nil && v > 0 {
		rate = v
	}
	bin, gen := binary(b), loadBinary(b)
	natsDir := b.TempDir()
	natsSrv := bustest.StartServer(b, "/usr/sbin/nats-server", func(port int) []string {
		return []string{"-js", "-a", "127.0.0.1", "-p", strconv.Itoa(port), "-sd", natsDir}
	})
	b.Setenv("WEBOS_EVENTSTORE", pgtest.URL(b)+"&schema="+pgtest.Schema(b, "lag"))
	b.Setenv("WEBOS_BUS", "nats://127.0.0.1:"+strconv.Itoa(natsSrv.Port))
	base, _, token := startServer(b, bin, "warn")
	runLoad(b, gen, base, "-setup", "-token", token)
	b.ResetTimer()
	r := paced(b, base, token, rate, b.N)
	b.StopTimer()
	b.ReportMetric(r.rate, "cmd/s")
	b.ReportMetric(ms(r.cmd, 50), "cmd-p50-ms")
	b.ReportMetric(ms(r.cmd, 99), "cmd-p99-ms")
	b.ReportMetric(ms(r.lag, 50), "lag-p50-ms")
	b.ReportMetric(ms(r.lag, 99), "lag-p99-ms")
	b.ReportMetric(float64(len(r.lag)), "lag-samples")
}

// pacedResult is what paced measured: latencies of the commands and of
// their projection, and the rate the commands were answered at.
type pacedResult struct {
	cmd, lag []time.Duration
	rate     float64
}

func paced(b *testing.B, base, token string, rate, n int) pacedResult {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}
	due := make(chan int, n)
	var mu sync.Mutex
	var res pacedResult
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range 64 {
		wg.Go(func() {
			for i := range due {
				cmd, lag, err := sendAndAwait(client, base, token, i, i%10 == 0)
				if err != nil {
					if failed.Add(1) == 1 {
						b.Error(err)
					}
					continue
				}
				mu.Lock()
				res.cmd = append(res.cmd, cmd)
				if lag > 0 {
					res.lag = append(res.lag, lag)
				}
				mu.Unlock()
			}
		})
	}
	interval := time.Second / time.Duration(rate)
	for i := range n {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		due <- i
	}
	close(due)
	wg.Wait()
	res.rate = float64(len(res.cmd)) / time.Since(start).Seconds()
	slices.Sort(res.cmd)
	slices.Sort(res.lag)
	return res
}

// sendAndAwait sends command i and, when await, then the view query that
// waits for its position; it returns both latencies (lag 0 without await).
func sendAndAwait(client *http.Client, base, token string, i int, await bool) (cmd, lag time.Duration, err error) {
	t0 := time.Now()
	body := fmt.Sprintf(`{"sku":"LOAD-%d","quantity":1,"reference":"lag"}`, i%200)
	var out struct{ Position uint64 }
	if err := call(client, http.MethodPost, base+"/api/commands/warehouse.ReceiveStock", token, body, &out); err != nil {
		return 0, 0, err
	}
	t1 := time.Now()
	if !await {
		return t1.Sub(t0), 0, nil
	}
	q := fmt.Sprintf("%s/api/views/warehouse.stock?limit=1&minPosition=%d", base, out.Position)
	if err := call(client, http.MethodGet, q, token, "", nil); err != nil {
		return 0, 0, err
	}
	return t1.Sub(t0), time.Since(t1), nil
}

func call(client *http.Client, method, url, token, body string, out any) error {
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = res.Body.Close() }()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d", method, url, res.StatusCode)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(res.Body).Decode(out)
}

// ms is the p-th percentile of sorted latencies in milliseconds.
func ms(sorted []time.Duration, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[(len(sorted)-1)*p/100].Microseconds()) / 1000
}
