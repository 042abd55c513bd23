package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Fault tests: the derived stores of a data dir (readmodels.db,
// snapshots.db) heal themselves when events.db goes back in time or they
// are damaged; a damaged events.db is refused.

func (p *proc) register(sku string) {
	p.t.Helper()
	p.command("warehouse.RegisterItem", fmt.Sprintf(`{"sku":%q,"name":"Item %s","unit":"pcs","lowStockThreshold":1}`, sku, sku))
}

func (p *proc) receive(sku string, qty int) {
	p.t.Helper()
	p.command("warehouse.ReceiveStock", fmt.Sprintf(`{"sku":%q,"quantity":%d,"reference":"r"}`, sku, qty))
}

// stock returns the warehouse.stock view as sku -> onHand, once caught up.
func (p *proc) stock() map[string]float64 {
	p.t.Helper()
	p.caughtUp()
	out := map[string]float64{}
	for _, r := range p.items("warehouse.stock", "") {
		out[r["sku"].(string)] = r["onHand"].(float64)
	}
	return out
}

// wantStock fails the test unless the stock view is exactly want.
func (p *proc) wantStock(want map[string]float64) {
	p.t.Helper()
	got := p.stock()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		p.t.Fatalf("stock view %v, want %v\n%s", got, want, p.logs)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func removeAll(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}

// afterTheFact checks a server started on a store that went back in time:
// every projection was rebuilt, the views hold only what the store holds,
// and new events (at positions the projections had seen before) and
// commands on existing items work.
func afterTheFact(p *proc) {
	p.t.Helper()
	p.wantLog("projection does not match the event store; rebuilding it")
	p.wantStock(map[string]float64{"A": 5, "B": 7})
	p.register("D") // reuses positions the old checkpoints had passed
	p.receive("A", 1)
	p.receive("D", 2)
	p.wantStock(map[string]float64{"A": 6, "B": 7, "D": 2})
}

// seeded starts a server on a fresh data dir,
// registers A and B, receives 5 of A and 7 of B and stops it cleanly, so
// everything is in events.db itself; it returns the dir and events.db's path.
func seeded(t *testing.T) (dir, events string) {
	t.Helper()
	dir = t.TempDir()
	events = filepath.Join(dir, "events.db")
	p := serve(t, dir)
	p.register("A")
	p.register("B")
	p.receive("A", 5)
	p.receive("B", 7)
	p.stop()
	return dir, events
}

// restoreBackup puts backup.db back as events.db (dropping its WAL), starts
// a server on it and checks it with afterTheFact.
func restoreBackup(t *testing.T, dir, events string) {
	t.Helper()
	copyFile(t, filepath.Join(dir, "backup.db"), events)
	afterLosing(t, dir, events)
}

// afterLosing removes events.db's WAL, as a restore or a lost disk does,
// starts a server on the data dir and checks it with afterTheFact.
func afterLosing(t *testing.T, dir, events string) {
	t.Helper()
	removeAll(t, events+"-wal", events+"-shm")
	p := serve(t, dir)
	afterTheFact(p)
	p.stop()
}

func TestRestoringAnOlderEventStoreRebuildsDerivedStores(t *testing.T) {
	t.Parallel()
	dir, events := seeded(t)
	copyFile(t, events, filepath.Join(dir, "backup.db"))

	p := serve(t, dir)
	p.register("C")
	p.receive("A", 100)
	p.receive("C", 3)
	p.wantStock(map[string]float64{"A": 105, "B": 7, "C": 3})
	p.stop()

	restoreBackup(t, dir, events)
}

func TestLosingTheWALRebuildsDerivedStores(t *testing.T) {
	t.Parallel()
	dir, events := seeded(t)

	p := serve(t, dir)
	p.register("C")
	p.receive("A", 100)
	p.wantStock(map[string]float64{"A": 105, "B": 7, "C": 0})
	p.kill()
	// The commits since the last start live only in the WAL: lose it.
	afterLosing(t, dir, events)
}

func TestDamagedDerivedStoresAreMovedAsideAndRebuilt(t *testing.T) {
	t.Parallel()
	dir, _ := seeded(t)
	garbage := []byte(strings.Repeat("not a database; ", 512))
	for _, name := range []string{"readmodels.db", "snapshots.db"} {
		path := filepath.Join(dir, name)
		removeAll(t, path+"-wal", path+"-shm")
		if err := os.WriteFile(path, garbage, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p := serve(t, dir)
	p.wantLog("a derived database was damaged; moved it aside")
	p.wantStock(map[string]float64{"A": 5, "B": 7})
	p.receive("A", 1)
	p.wantStock(map[string]float64{"A": 6, "B": 7})
	p.stop()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var aside []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".damaged-") {
			aside = append(aside, strings.SplitN(e.Name(), ".damaged-", 2)[0])
		}
	}
	slices.Sort(aside)
	if fmt.Sprint(aside) != "[readmodels.db snapshots.db]" {
		t.Fatalf("kept aside: %v, want both damaged files", aside)
	}
}

func TestDamagedEventStoreIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	events := filepath.Join(dir, "events.db")
	if err := os.WriteFile(events, []byte(strings.Repeat("garbage ", 512)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(binary(t), "serve", "--data-dir", dir, "--addr", freeAddr(t)).CombinedOutput()
	if err == nil {
		t.Fatalf("webos served a damaged events.db:\n%s", out)
	}
	for _, want := range []string{events, "damaged", "restore events.db from a backup"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the error does not say %q:\n%s", want, out)
		}
	}
	if b, err := os.ReadFile(events); err != nil || !strings.HasPrefix(string(b), "garbage") {
		t.Errorf("events.db was touched: %v", err)
	}
}

// A snapshot taken after the backup describes a version the restored
// stream does not have: it must not be used, or every command on the item
// conflicts for ever.
func TestRestoringAnOlderEventStoreDropsNewerSnapshots(t *testing.T) {
	t.Parallel()
	dir, events := seeded(t)
	copyFile(t, events, filepath.Join(dir, "backup.db"))

	p := serve(t, dir)
	for range 500 { // crosses the snapshot interval
		p.receive("A", 1)
	}
	p.stop()

	restoreBackup(t, dir, events)
}
