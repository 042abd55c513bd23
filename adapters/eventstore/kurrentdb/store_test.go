package kurrentdb_test

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	kdb "github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/webos-engine/webos/adapters/checkpoint/checkpointtest"
	"github.com/webos-engine/webos/adapters/eventstore/eventstoretest"
	"github.com/webos-engine/webos/adapters/eventstore/kurrentdb"
	"github.com/webos-engine/webos/adapters/eventstore/kurrentdb/kurrentdbtest"
	"github.com/webos-engine/webos/application"
)

// openIn opens a store in a fresh namespace of the server at url, so each
// subtest of the suite gets a new, empty store on one shared server.
func openIn(t *testing.T, url string) *kurrentdb.Store {
	t.Helper()
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	ns := "t" + strings.ToLower(rand.Text()[:12])
	s, err := kurrentdb.Open(context.Background(), url+sep+"namespace="+ns, kurrentdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestConformance runs the suite against the protocol-level test double.
func TestConformance(t *testing.T) {
	srv := kurrentdbtest.Start(t)
	srv.AppendForeign("other-app-1", "OtherHappened", 3)
	eventstoretest.Run(t, func(t *testing.T) application.EventStore {
		srv.AppendForeign("$stats-127.0.0.1:2113", "$statsCollected", 1)
		return openIn(t, srv.URL())
	})
}

// TestConformanceRealServer runs the suite against the KurrentDB server
// at KURRENTDB_URL, each subtest in a namespace of its own.
func TestConformanceRealServer(t *testing.T) {
	url := os.Getenv("KURRENTDB_URL")
	if url == "" {
		t.Skip("SKIPPED: KURRENTDB_URL is not set, so the EventStore suite did not run against a real KurrentDB server " +
			"(set it, e.g. KURRENTDB_URL='kurrentdb://127.0.0.1:2113?tls=false', to run it)")
	}
	eventstoretest.Run(t, func(t *testing.T) application.EventStore { return openIn(t, url) })
}

// TestCheckpoints runs the CheckpointStore suite against the double.
func TestCheckpoints(t *testing.T) {
	srv := kurrentdbtest.Start(t)
	checkpointtest.Run(t, func(t *testing.T) checkpointtest.Store { return openIn(t, srv.URL()) })
	checkpointtest.RunDurable(t, func(t *testing.T, name string) checkpointtest.Store {
		s, err := kurrentdb.Open(context.Background(), srv.URL()+"&namespace=durable_"+name, kurrentdb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestCheckpointStreamIsCapped checks that a consumer's checkpoint stream
// gets a $maxCount, so saving forever does not grow it forever.
func TestCheckpointStreamIsCapped(t *testing.T) {
	srv := kurrentdbtest.Start(t)
	s := openIn(t, srv.URL())
	defer func() { _ = s.Close() }()
	ctx := context.Background()
	if err := s.SaveCheckpoint(ctx, "bus.forwarder", application.Checkpoint{StoreID: "x", Position: 9, Hash: "h"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := kdb.ParseConnectionString(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	c, err := kdb.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	meta, err := c.GetStreamMetadata(ctx, s.Namespace()+"-checkpoint:bus.forwarder", kdb.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := meta.MaxCount(); n == nil || *n == 0 {
		t.Fatalf("checkpoint stream $maxCount = %v, want one set", n)
	}
}
