package main_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditVerifyPyRefusesDuplicateMembers: an export whose event carries
// a second "data" member is ambiguous. The hash may cover the first while
// most JSON readers (jq, JavaScript, Go) show the last, so a forger could
// keep every hash, and a trusted head hash, while changing what an auditor
// reads. verify.py must refuse it rather than report it verified.
func TestAuditVerifyPyRefusesDuplicateMembers(t *testing.T) {
	t.Parallel()
	py := python3(t)
	raw, err := os.ReadFile("../../domain/testdata/hash-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Vectors []struct {
			Envelope json.RawMessage `json:"envelope"`
		} `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &f); err != nil || len(f.Vectors) == 0 {
		t.Fatalf("vectors: %v", err)
	}
	env := bytes.TrimRight(bytes.TrimSpace(f.Vectors[0].Envelope), "}")
	write := func(name, events string) string {
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, []byte(`{"format":"webos.audit-export/1","events":[`+events+`]}`), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	if code, out := runCmd(t, py, verifyPy, write("plain.json", string(env)+"}")); code != 0 {
		t.Fatalf("verify.py on the first vector as an export: %d %s", code, out)
	}
	forged := write("forged.json", string(env)+`,"data":{"quantity":500,"sku":"SKU-1"}}`)
	if code, out := runCmd(t, py, verifyPy, forged); code != 1 || !strings.Contains(out, "duplicate member 'data'") {
		t.Fatalf("verify.py on an event with two data members: %d %s", code, out)
	}
}
