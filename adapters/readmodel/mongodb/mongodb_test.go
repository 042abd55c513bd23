package mongodb

import (
	"context"
	"net/url"
	"os"
	"testing"

	"github.com/webos-engine/webos/adapters/readmodel/mongodb/ferretdbtest"
	"github.com/webos-engine/webos/adapters/readmodel/readmodeltest"
	"github.com/webos-engine/webos/application"
)

// withDatabase returns the server URL base (mongodb://host:port, with
// options if any) naming database db.
func withDatabase(t testing.TB, base, db string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("server URL %q: %v", base, err)
	}
	u.Path = "/" + db
	return u.String()
}

// openFresh opens a store on a fresh database of the server at base,
// dropped when the test ends.
func openFresh(t testing.TB, base string) *Store {
	t.Helper()
	ctx := context.Background()
	u := withDatabase(t, base, ferretdbtest.Database("webos_test"))
	s, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The test may have closed s: drop through a store of its own.
		d, err := Open(ctx, u)
		if err != nil {
			t.Errorf("reopening to drop the database: %v", err)
			return
		}
		if err := d.db.Drop(ctx); err != nil {
			t.Errorf("dropping the database: %v", err)
		}
		_ = d.Close()
		_ = s.Close()
	})
	return s
}

func TestConformanceFerretDB(t *testing.T) {
	srv := ferretdbtest.Start(t)
	base := "mongodb://" + srv.Addr
	readmodeltest.Run(t, readmodeltest.Capabilities{Transactions: false}, func(t *testing.T) application.ReadModelStore {
		return openFresh(t, base)
	})
}

// TestConformanceMongoDB runs the suite against a real MongoDB server when
// MONGODB_URL names one (mongodb://host:port, options allowed; each subtest
// makes its own database). A replica set runs it with transactions.
func TestConformanceMongoDB(t *testing.T) {
	base := os.Getenv("MONGODB_URL")
	if base == "" {
		t.Skip("SKIPPED: set MONGODB_URL=mongodb://host:port to run the read-model suite against a real MongoDB")
	}
	caps := readmodeltest.Capabilities{Transactions: openFresh(t, base).Transactions()}
	t.Logf("MongoDB at %s: transactions %v", base, caps.Transactions)
	readmodeltest.Run(t, caps, func(t *testing.T) application.ReadModelStore { return openFresh(t, base) })
}
