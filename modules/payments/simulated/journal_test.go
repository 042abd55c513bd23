package simulated_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/webos-engine/webos/modules/payments/gatewaytest"
	"github.com/webos-engine/webos/modules/payments/simulated"
)

func TestConformanceWithALedgerFile(t *testing.T) {
	t.Parallel()
	gatewaytest.Run(t, func(t *testing.T) gatewaytest.Harness {
		g, err := simulated.Open(filepath.Join(t.TempDir(), "ledger.jsonl"), simulated.Behaviour{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = g.Close() })
		return gatewaytest.Harness{Gateway: g, Decline: func(ref string) { g.SetFor(ref, simulated.Behaviour{Outcome: simulated.Decline}) }}
	})
}

// TestTheLedgerOutlivesTheProcess: a gateway opened again on the file
// knows every charge, answers a key it saw as before (no second charge),
// and a line cut short by a crash is dropped.
func TestTheLedgerOutlivesTheProcess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.jsonl")
	g, err := simulated.Open(path, simulated.Behaviour{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := g.Authorise(ctx, req)
	if err != nil || !first.Approved {
		t.Fatalf("authorise: %+v %v", first, err)
	}
	if _, err := g.Refund(ctx, "never-authorised"); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"Key":"p1","Sta`); err != nil { // killed mid-write
		t.Fatal(err)
	}
	_ = f.Close()

	again, err := simulated.Open(path, simulated.Behaviour{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = again.Close() }()
	a, err := again.Authorise(ctx, req)
	if err != nil || a != first {
		t.Fatalf("the same key after a restart: %+v %v, want %+v", a, err, first)
	}
	if l := again.Ledger(); len(l) != 2 || l[0].State != simulated.Authorised || l[1].State != simulated.Voided {
		t.Fatalf("ledger after a restart: %+v", l)
	}
	if _, err := again.Refund(ctx, req.Key); err != nil {
		t.Fatal(err)
	}
	if again.Outstanding(req.Reference) != 0 || again.DoubleCharges() != nil {
		t.Fatalf("after the refund: %+v", again.Ledger())
	}
}

func TestALedgerFileThatIsNotOneIsRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ledger.jsonl")
	if err := os.WriteFile(path, []byte("not json\n{\"Key\":\"k\"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if g, err := simulated.Open(path, simulated.Behaviour{}); err == nil {
		_ = g.Close()
		t.Fatal("opened a file whose first line is no charge")
	}
}
