package redis_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/adapters/bus/bustest"
	busredis "github.com/webos-engine/webos/adapters/bus/redis"
)

// redisURL is the machine's Redis (.ci/services starts it).
const redisURL = "redis://127.0.0.1:6379/0"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func open(t testing.TB, raw, token string) bus.Backend {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	b, err := busredis.Open(u, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = b.Close()
		clean := *u
		clean.RawQuery = ""
		opts, err := goredis.ParseURL(clean.String())
		if err != nil {
			return
		}
		c := goredis.NewClient(opts)
		defer func() { _ = c.Close() }()
		topics, _ := bustest.Names(token)
		_ = c.Del(context.Background(), topics...).Err()
	})
	return b
}

func TestConformance(t *testing.T) {
	bustest.Run(t, func(t testing.TB, token string) bus.Backend { return open(t, redisURL+"?max_idle=3s", token) })
}

// TestFault kills its own Redis (append-only file, fsync always) mid-stream
// and starts it again on the same directory.
func TestFault(t *testing.T) {
	dir := t.TempDir()
	srv := bustest.StartServer(t, "/usr/bin/redis-server", func(port int) []string {
		return []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes",
			"--appendfsync", "always", "--save", ""}
	})
	raw := "redis://127.0.0.1:" + strconv.Itoa(srv.Port) + "/0"
	bustest.Fault(t, func(t testing.TB, token string) bus.Backend { return open(t, raw+"?max_idle=2s", token) }, srv.Kill, srv.Start)
}

// BenchmarkForwarder compares the forwarder with raw Watermill publishing
// to the same backend (docs/benchmarks.md).
func BenchmarkForwarder(b *testing.B) {
	bustest.Throughput(b, func(t testing.TB, token string) bus.Backend { return open(t, redisURL, token) })
}
