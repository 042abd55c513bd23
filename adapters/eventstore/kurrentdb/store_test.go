package kurrentdb_test

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"

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
