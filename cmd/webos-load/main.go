// Command webos-load is the load generator of `make bench`: a process of
// its own, so the engine under test shares nothing with it but the
// machine. It sends warehouse.ReceiveStock commands on existing items
// (or GET /healthz, the baseline) from concurrent keep-alive clients and
// prints the measured rate and latencies as one JSON object.
//
//	webos-load -url http://127.0.0.1:8080 -target commands -n 20000 -c 32 -items 200
//
// -setup registers the items first (an existing one is fine), and sends
// nothing else.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"

	"github.com/webos-engine/webos/cmd/internal/loadgen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "webos-load:", err)
		os.Exit(1)
	}
}

func run() error {
	base := flag.String("url", "http://127.0.0.1:8080", "the engine's base `URL`")
	target := flag.String("target", "commands", "what to send: commands (warehouse.ReceiveStock) or healthz")
	n := flag.Int("n", 10000, "number of requests")
	clients := flag.Int("c", 32, "concurrent clients (connections)")
	items := flag.Int("items", 200, "number of items the commands spread over")
	setup := flag.Bool("setup", false, "register the items, then stop")
	token := flag.String("token", os.Getenv("WEBOS_TOKEN"), "API `TOKEN` sent as Authorization: Bearer (default: $WEBOS_TOKEN)")
	flag.Parse()
	ctx := context.Background()

	var req func(i int) loadgen.Request
	switch {
	case *setup:
		*n = *items
		req = func(i int) loadgen.Request {
			return loadgen.Request{URL: *base + "/api/commands/warehouse.RegisterItem",
				Body: fmt.Sprintf(`{"sku":"LOAD-%d","name":"Load item %d","unit":"pcs","lowStockThreshold":1}`, i, i)}
		}
	case *target == "commands":
		req = func(i int) loadgen.Request {
			return loadgen.Request{URL: *base + "/api/commands/warehouse.ReceiveStock",
				Body: fmt.Sprintf(`{"sku":"LOAD-%d","quantity":1,"reference":"load"}`, i%*items)}
		}
	case *target == "healthz":
		req = func(int) loadgen.Request { return loadgen.Request{URL: *base + "/healthz"} }
	default:
		return fmt.Errorf("unknown -target %q: want commands or healthz", *target)
	}
	res, err := loadgen.Run(ctx, *clients, *n, func(i int) loadgen.Request {
		r := req(i)
		r.Token = *token
		return r
	})
	if err != nil {
		return err
	}
	if err := check(res, *setup); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// check fails the run on any answer but 200; at setup, 409 (the item
// exists already) is fine too.
func check(res loadgen.Result, setup bool) error {
	var bad []error
	for code, count := range res.Status {
		if code != http.StatusOK && (code != http.StatusConflict || !setup) {
			bad = append(bad, fmt.Errorf("%d answers with status %d", count, code))
		}
	}
	return errors.Join(bad...)
}
