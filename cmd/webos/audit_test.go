package main_test

import (
	"bytes"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the driver, to tamper with events.db as an attacker would
)

// verifyPy is the independent verifier, written from docs/audit-format.md.
const verifyPy = "../../docs/audit/verify.py"

// python3 finds the interpreter; it is on every machine the project runs
// on, so CI fails without it instead of skipping the second opinion.
func python3(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is required for the independent audit verifier")
		}
		t.Skip("python3 not found")
	}
	return path
}

// verifyAndExport checks the stopped server's data dir three ways:
// `audit verify` must succeed saying wantVerify, `audit export` must
// succeed, and verify.py must accept the export saying wantPy. It returns
// the export's path.
func verifyAndExport(t *testing.T, py, dir, wantVerify, wantPy string) string {
	t.Helper()
	if code, out := runCmd(t, binary(t), "audit", "verify", "--data-dir", dir); code != 0 || !strings.Contains(out, wantVerify) {
		t.Fatalf("audit verify: %d %s", code, out)
	}
	export := filepath.Join(t.TempDir(), "export.json")
	if code, out := runCmd(t, binary(t), "audit", "export", "--data-dir", dir, "--out", export); code != 0 {
		t.Fatalf("audit export: %d %s", code, out)
	}
	if code, out := runCmd(t, py, verifyPy, export); code != 0 || !strings.Contains(out, wantPy) {
		t.Fatalf("verify.py on the export: %d %s", code, out)
	}
	return export
}

// runCmd runs the binary or python3 and returns its exit code and output.
func runCmd(t *testing.T, name string, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		return ee.ExitCode(), out.String()
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return 0, out.String()
}

// TestAuditOfARealRun writes events through the real binary (non-ASCII
// text, escapes, a W3C trace context), then has both verifiers check them:
// `webos audit verify` on the data dir, and docs/audit/verify.py, which
// shares no code with the engine, on `webos audit export` output. Both
// must catch tampering, naming the event.
func TestAuditOfARealRun(t *testing.T) {
	t.Parallel()
	py := python3(t)
	dir := t.TempDir()
	p := serve(t, dir)
	trace := map[string]string{
		"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"tracestate":  "vendor=é,other=x",
	}
	for _, c := range []struct{ name, body string }{
		{"warehouse.RegisterItem", `{"lowStockThreshold":2,"sku":"AUD-1","name":"Grüße <&> 😀 \u2028 \"zitat\"","unit":"Stück"}`},
		{"warehouse.ReceiveStock", `{"sku":"AUD-1","quantity":3,"reference":"Lieferschein \u00e9\n2"}`},
		{"warehouse.RegisterItem", `{"sku":"AUD-2","name":"ascii","unit":"pcs","lowStockThreshold":1}`},
		{"warehouse.ReceiveStock", `{"sku":"AUD-1","quantity":7}`},
	} {
		if status, out, _ := p.do("POST", "/api/commands/"+c.name, c.body, trace); status != http.StatusOK {
			t.Fatalf("%s: %d %v", c.name, status, out)
		}
	}
	// net/http passes a tracestate byte 0xff through; it used to be stored
	// as U+FFFD by SQLite and break the stream's chain for ever.
	badState := map[string]string{"traceparent": trace["traceparent"], "tracestate": "vendor=\xff"}
	if status, out, _ := p.do("POST", "/api/commands/warehouse.ReceiveStock", `{"sku":"AUD-1","quantity":1}`, badState); status != http.StatusOK {
		t.Fatalf("a command with a bad tracestate: %d %v", status, out)
	}
	// The stream as GET /api/streams shows it verifies too.
	res, err := p.get("/api/streams/warehouse.item-AUD-1")
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	pageFile := filepath.Join(t.TempDir(), "stream.json")
	if err != nil || os.WriteFile(pageFile, page, 0o600) != nil {
		t.Fatalf("GET /api/streams: %v", err)
	}
	if code, out := runCmd(t, py, verifyPy, pageFile); code != 0 || !strings.Contains(out, "verified 4 events in 1 streams") {
		t.Fatalf("verify.py on GET /api/streams: %d %s", code, out)
	}
	if code, out := runCmd(t, binary(t), "audit", "verify", "--data-dir", dir); code == 0 || !strings.Contains(out, "in use") {
		t.Fatalf("audit verify while serving: %d %s", code, out)
	}
	p.stop()

	// The test administrator's three identity events (positions 1 to 3,
	// by adminToken) and the nightly stock valuation's schedule, armed at
	// the first start (position 4), come before the warehouse's.
	export := verifyAndExport(t, py, dir, "verified 9 events in 4 streams up to position 9; hash schemes: v2 9", "verified 9 events in 4 streams")
	if code, out := runCmd(t, py, verifyPy, "--vectors", "../../domain/testdata/hash-vectors.json"); code != 0 {
		t.Fatalf("verify.py on the golden vectors: %d %s", code, out)
	}

	// Tampered export: the second event's quantity changed from 3 to 4.
	raw, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	forged := filepath.Join(t.TempDir(), "forged.json")
	if err := os.WriteFile(forged, bytes.Replace(raw, []byte(`"quantity":3`), []byte(`"quantity":4`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out := runCmd(t, py, verifyPy, forged)
	if code != 1 || !strings.Contains(out, "stream warehouse.item-AUD-1 version 2 position 6: hash mismatch") {
		t.Fatalf("verify.py on a forged export: %d %s", code, out)
	}

	// Tampered store: the same change made to the row in events.db.
	db, err := sql.Open("sqlite", filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	upd, err := db.Exec(`UPDATE events SET data = replace(data, '"quantity":3', '"quantity":4') WHERE position = 6`)
	if n, _ := upd.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("tamper: %v (%d rows)", err, n)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	code, out = runCmd(t, binary(t), "audit", "verify", "--data-dir", dir)
	if code != 1 || !strings.Contains(out, "chain broken at stream warehouse.item-AUD-1 version 2 position 6: hash mismatch") {
		t.Fatalf("audit verify on a tampered store: %d %s", code, out)
	}
	code, out = runCmd(t, binary(t), "audit", "verify", "--data-dir", dir, "--stream", "warehouse.item-AUD-2")
	if code != 0 || !regexp.MustCompile(`verified 1 events in 1 streams up to position 7\b`).MatchString(out) {
		t.Fatalf("the untouched stream alone still verifies: %d %s", code, out)
	}
}
