// Package loadgen drives an HTTP server from a fixed number of concurrent
// keep-alive clients and measures what it answers: rate, latency
// percentiles and status codes. The in-process benchmarks of cmd/webos
// and the separate load-generator process cmd/webos-load share it, so
// both measure the same way.
package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Request is one request to send: a GET when Body is empty, else a POST
// of Body as application/json; with Token, as Authorization: Bearer.
type Request struct {
	URL, Body, Token string
}

// Result is what a run measured.
type Result struct {
	Requests int           `json:"requests"`
	Elapsed  time.Duration `json:"elapsed_ns"`
	// Status counts the answers by HTTP status code.
	Status map[int]int `json:"status"`
	// P50 and P99 are latency percentiles over every request.
	P50 time.Duration `json:"p50_ns"`
	P99 time.Duration `json:"p99_ns"`
}

// PerSecond is the request rate over the whole run.
func (r Result) PerSecond() float64 {
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Run sends n requests, request i being req(i), from clients concurrent
// clients over at most clients connections, and reads every answer to the
// end. A transport error stops the run and is returned; an HTTP error
// status is counted, not an error.
func Run(ctx context.Context, clients, n int, req func(i int) Request) (Result, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	lat := make([]time.Duration, n)
	status := make([]int, n)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				t0 := time.Now()
				code, err := send(ctx, client, req(i))
				if err != nil {
					once.Do(func() { firstErr = fmt.Errorf("request %d: %w", i, err) })
					next.Store(int64(n)) // stop the other clients
					return
				}
				lat[i], status[i] = time.Since(t0), code
			}
		})
	}
	wg.Wait()
	res := Result{Requests: n, Elapsed: time.Since(start), Status: map[int]int{}}
	if firstErr != nil {
		return res, firstErr
	}
	for _, c := range status {
		res.Status[c]++
	}
	slices.Sort(lat)
	if n > 0 {
		res.P50, res.P99 = lat[n*50/100], lat[n*99/100]
	}
	return res, nil
}

func send(ctx context.Context, client *http.Client, r Request) (int, error) {
	method, body := http.MethodGet, io.Reader(http.NoBody)
	if r.Body != "" {
		method, body = http.MethodPost, strings.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.URL, body)
	if err != nil {
		return 0, err
	}
	if r.Body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = res.Body.Close() }()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return 0, err
	}
	return res.StatusCode, nil
}
