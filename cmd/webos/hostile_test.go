package main_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// hostileSeed fixes the generator, so a failure names a body that can be
// produced again.
const hostileSeed = 5

// TestHostileBodies posts 200 generated hostile command bodies to the
// real binary: random bytes, deep nesting, huge numbers, duplicate keys,
// invalid UTF-8, lone surrogates, wrong types, trailing garbage and key
// floods. Each is answered with a 4xx problem that names no Go internals
// and lists at most 20 errors; nothing is appended, and the server keeps
// serving.
func TestHostileBodies(t *testing.T) {
	t.Parallel()
	p := serve(t, t.TempDir())
	p.command("warehouse.RegisterItem", `{"sku":"HOST-1","name":"Widget","unit":"pcs","lowStockThreshold":1}`)
	before := p.head()
	rng := rand.New(rand.NewPCG(hostileSeed, hostileSeed))
	for i := range 200 {
		body := hostileBody(rng, i)
		res, err := p.post("/api/commands/warehouse.ReceiveStock", body)
		if err != nil {
			t.Fatalf("body %d: the server is gone: %v", i, err)
		}
		raw, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		shown := body[:min(len(body), 120)]
		if res.StatusCode < 400 || res.StatusCode > 499 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("body %d %q: status %d %s: %s", i, shown, res.StatusCode, res.Header.Get("Content-Type"), raw)
		}
		if goInternals.Match(raw) {
			t.Errorf("body %d %q: the answer names Go internals: %s", i, shown, raw)
		}
		if strings.Count(string(raw), `"pointer"`) > 20 {
			t.Errorf("body %d %q: more than 20 errors listed", i, shown)
		}
	}
	if after := p.head(); after != before {
		t.Fatalf("hostile bodies moved the head from %v to %v", before, after)
	}
	p.command("warehouse.ReceiveStock", `{"sku":"HOST-1","quantity":1}`)
}

// hostileBody makes the i-th body: each kind in turn, its details random.
func hostileBody(rng *rand.Rand, i int) string {
	const ok = `"sku":"HOST-1","quantity":1`
	switch i % 9 {
	case 0: // random bytes
		b := make([]byte, rng.IntN(300))
		for j := range b {
			b[j] = byte(rng.UintN(256))
		}
		return string(b)
	case 1: // deep nesting
		n := 33 + rng.IntN(20000)
		return `{` + ok + `,"reference":` + strings.Repeat(`[`, n) + strings.Repeat(`]`, n) + `}`
	case 2: // huge numbers
		nums := []string{"1e999999999", "-1e400", strings.Repeat("9", 1+rng.IntN(5000)),
			fmt.Sprintf("%de%d", 1+rng.IntN(9), 10+rng.IntN(100000)), "1e-400", "0." + strings.Repeat("0", rng.IntN(3000)) + "1"}
		return `{"sku":"HOST-1","quantity":` + nums[rng.IntN(len(nums))] + `}`
	case 3: // duplicate keys
		keys := []string{`"quantity":2`, `"sku":"HOST-1"`, `"q\u0075antity":3`, `"\u0073ku":"X"`}
		return `{` + ok + `,` + keys[rng.IntN(len(keys))] + `}`
	case 4: // invalid UTF-8
		bad := []string{"\xff", "\xc3\x28", "\xe2\x82", "\xed\xa0\x80", "\xf8\x88\x80\x80\x80", "\xc0\xaf"}
		return `{` + ok + `,"reference":"ok` + bad[rng.IntN(len(bad))] + `ok"}`
	case 5: // unpaired surrogate escapes
		hi, lo := 0xD800+rng.IntN(0x400), 0xDC00+rng.IntN(0x400)
		esc := []string{fmt.Sprintf(`\u%04x`, hi), fmt.Sprintf(`\u%04X`, lo), fmt.Sprintf(`\u%04x\u%04x`, lo, hi), fmt.Sprintf(`\u%04xx`, hi)}
		return `{` + ok + `,"reference":"` + esc[rng.IntN(len(esc))] + `"}`
	case 6: // wrong types
		vals := []string{`"7"`, `[1]`, `{"n":1}`, `true`, `null`, `1.5`, `-3`, `0`}
		if rng.IntN(2) == 0 {
			return `{"sku":` + vals[rng.IntN(len(vals))] + `,"quantity":1}`
		}
		return `{"sku":"HOST-1","quantity":` + vals[rng.IntN(len(vals))] + `}`
	case 7: // truncated or trailing garbage
		full := `{` + ok + `,"reference":"r"}`
		if rng.IntN(2) == 0 {
			return full[:rng.IntN(len(full)-1)]
		}
		return full + []string{" x", "{}", ",", "\x00", "]"}[rng.IntN(5)]
	default: // a flood of unknown keys
		var b strings.Builder
		b.WriteString(`{` + ok)
		for k := range 1000 + rng.IntN(20000) {
			fmt.Fprintf(&b, `,"k%d":%d`, k, k)
		}
		return b.String() + "}"
	}
}
