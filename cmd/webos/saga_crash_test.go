//go:build unix

package main_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/modules/payments/simulated"
	"github.com/webos-engine/webos/sagas"
)

// crashScenario is one path of the OrderFulfilment saga, run on the real
// binary.
type crashScenario struct {
	name  string
	flags []string
	// lines are the order's lines; each gets its own SKU, with onHand in
	// stock.
	lines []crashLine
	// cancel makes the customer cancel the order once it is confirmed.
	cancel bool
	// want is how the instance ends.
	want sagas.Status
}

type crashLine struct{ onHand, quantity int64 }

const crashPrice = 1250

var crashScenarios = []crashScenario{
	{name: "approve", lines: []crashLine{{5, 2}, {5, 1}}, want: sagas.StatusCompleted},
	{name: "cancel", lines: []crashLine{{5, 2}, {5, 1}}, cancel: true, want: sagas.StatusCompensated},
	{name: "decline", flags: []string{"--payment-gateway", "decline"}, lines: []crashLine{{5, 1}}, want: sagas.StatusCompensated},
	{name: "short", lines: []crashLine{{5, 2}, {0, 1}}, want: sagas.StatusCompensated},
	{name: "deadline", flags: []string{"--payment-gateway", "timeout", "--payment-timeout", "100ms", "--payment-deadline", "1500ms",
		"--payment-check", "1h"}, lines: []crashLine{{5, 1}}, want: sagas.StatusCompensated},
}

// TestSagaCrashAtEveryBoundary runs the OrderFulfilment saga on the real
// binary, built with the test-only crash hook (crashhook.go, compiled
// with the webostest tag the tests build the binary with), along every
// path: approved, cancelled by the customer after confirmation, payment
// declined, a line that cannot be reserved, payment unanswered until the
// deadline. A first run of each path lists the boundaries the runtime
// passes (its hook points, so a new boundary is covered without changing
// this test); then, for every boundary, an order on that path is placed
// on a server that kills itself with SIGKILL at it, and the server is
// started again. Every order must end as its path ends (completed or fully
// compensated, never failed), every SKU's reserved stock must be exactly
// what the confirmed orders hold, no order reserved or released twice,
// and the simulated gateway's ledger (a file that outlives the process)
// must show no double charge and hold money only for confirmed orders.
//
// It runs alone (not parallel to the package's other tests): its servers
// load the machine enough to push the race-enabled 200-order test's
// projection flushes past their timeout.
func TestSagaCrashAtEveryBoundary(t *testing.T) {
	traces := make([][]string, len(crashScenarios))
	t.Run("trace", func(t *testing.T) {
		for i, s := range crashScenarios {
			t.Run(s.name, func(t *testing.T) {
				t.Parallel()
				r := newCrashRig(t, s)
				traces[i] = r.trace()
			})
		}
	})
	if t.Failed() {
		return
	}
	// Each boundary is crashed at on the first path that passes it.
	seen := map[string]bool{}
	points := map[sagas.Point]bool{}
	plan := make([][]string, len(crashScenarios))
	for i, tr := range traces {
		for _, b := range tr {
			if !seen[b] {
				seen[b] = true
				plan[i] = append(plan[i], b)
				points[sagas.Point(b[:strings.IndexByte(b, ' ')])] = true
			}
		}
	}
	for _, p := range sagas.Points() {
		if !points[p] {
			t.Fatalf("no path passes a boundary at %q; the paths passed %v", p, slices.Sorted(mapsKeys(seen)))
		}
	}
	t.Logf("%d boundaries: %v", len(seen), plan)
	for i, s := range crashScenarios {
		// Split a long list over two servers, so the runs overlap.
		for half, bs := range [][]string{plan[i][:len(plan[i])/2], plan[i][len(plan[i])/2:]} {
			if len(bs) == 0 {
				continue
			}
			t.Run(fmt.Sprintf("%s/%d", s.name, half), func(t *testing.T) {
				t.Parallel()
				r := newCrashRig(t, s)
				for _, b := range bs {
					r.crashAt(b)
				}
				r.checkLedger()
			})
		}
	}
}

func mapsKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// crashRig runs orders of one scenario, one after the other, on one data
// dir.
type crashRig struct {
	t         *testing.T
	s         crashScenario
	dir       string
	crashFile string // the file the crash hook reads
	p         *proc
	orders    []string
	n         int
}

func newCrashRig(t *testing.T, s crashScenario) *crashRig {
	dir := t.TempDir()
	return &crashRig{t: t, s: s, dir: filepath.Join(dir, "data"), crashFile: filepath.Join(dir, "crash-at")}
}

// start starts the server with the crash hook armed (it crashes only
// while the file names a boundary) and, if trace, tracing.
func (r *crashRig) start(trace bool) {
	env := []string{"WEBOS_TEST_CRASH_FILE=" + r.crashFile}
	if trace {
		env = append(env, "WEBOS_TEST_SAGA_TRACE=1")
	}
	r.p = serveEnv(r.t, r.dir, env, r.s.flags...)
}

// trace runs one order without a crash and returns the boundaries it
// passed, in the order first passed.
func (r *crashRig) trace() []string {
	r.start(true)
	order := r.place()
	r.drive(order)
	r.check(order)
	r.p.kill()
	r.checkLedger()
	var out []string
	for line := range strings.SplitSeq(r.p.logs.String(), "\n") {
		if b, ok := strings.CutPrefix(line, "saga boundary: "); ok && !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		r.t.Fatalf("the run passed no saga boundary:\n%s", r.p.logs)
	}
	return out
}

// crashAt places an order on a server that dies at boundary b, starts
// the server again and checks the order ends as its path does.
func (r *crashRig) crashAt(b string) {
	r.t.Helper()
	if r.p == nil {
		r.start(false)
	}
	if err := writeAtomically(r.crashFile, b); err != nil {
		r.t.Fatal(err)
	}
	order := r.place()
	exited := make(chan struct{})
	go func() { _ = r.p.cmd.Wait(); close(exited) }()
	// Drive the order until the server dies; it must, at b.
	p := r.p
	go func() { _ = r.try(p, order) }()
	select {
	case <-exited:
	case <-time.After(60 * time.Second):
		_ = r.p.cmd.Process.Kill()
		<-exited
		r.t.Fatalf("order %s never passed boundary %q:\n%s", order, b, r.p.logs)
	}
	if want := "saga crash hook: killed at " + b; !strings.Contains(r.p.logs.String(), want) {
		r.t.Fatalf("the server ended, not at boundary %q:\n%s", b, r.p.logs)
	}
	if err := os.Remove(r.crashFile); err != nil {
		r.t.Fatal(err)
	}
	r.start(false)
	r.drive(order)
	r.check(order)
}

func writeAtomically(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// place stocks the next order's SKUs (the server does not crash there:
// no saga handles warehouse events) and returns its id; the order is
// placed by drive.
func (r *crashRig) place() string {
	r.n++
	order := fmt.Sprintf("%s-%02d", strings.ToUpper(r.s.name), r.n)
	for j, l := range r.s.lines {
		sku := skuOf(order, j)
		r.p.command("warehouse.RegisterItem", fmt.Sprintf(`{"sku":%q,"name":"crash test","unit":"pcs","lowStockThreshold":0}`, sku))
		if l.onHand > 0 {
			r.p.command("warehouse.ReceiveStock", fmt.Sprintf(`{"sku":%q,"quantity":%d}`, sku, l.onHand))
		}
	}
	r.orders = append(r.orders, order)
	return order
}

func skuOf(order string, line int) string { return fmt.Sprintf("%s-L%d", order, line) }

// drive runs the order to its end on the running server.
func (r *crashRig) drive(order string) {
	r.t.Helper()
	if err := r.try(r.p, order); err != nil {
		r.t.Fatalf("order %s: %v\n%s", order, err, r.p.logs)
	}
}

// try places the order, cancels it once confirmed if the path says so,
// and waits for its instance to end. Every command carries an
// idempotency key, so trying again after a crash sends none twice.
func (r *crashRig) try(p *proc, order string) error {
	var lines []string
	for j, l := range r.s.lines {
		lines = append(lines, fmt.Sprintf(`{"sku":%q,"quantity":%d,"unitPrice":%d}`, skuOf(order, j), l.quantity, crashPrice))
	}
	body := fmt.Sprintf(`{"orderId":%q,"customerId":"C-1","currency":"EUR","lines":[%s]}`, order, strings.Join(lines, ","))
	if err := r.send(p, "orders.PlaceOrder", body, "place-"+order); err != nil {
		return err
	}
	if r.s.cancel {
		// Completed, or past it when the cancel was sent before a crash.
		if err := r.waitStatus(p, order, sagas.StatusCompleted, sagas.StatusCompensating, sagas.StatusCompensated); err != nil {
			return err
		}
		if err := r.send(p, "orders.CancelOrder", fmt.Sprintf(`{"orderId":%q,"reason":"changed my mind"}`, order), "cancel-"+order); err != nil {
			return err
		}
	}
	return r.waitStatus(p, order, r.s.want)
}

// send posts a command with an idempotency key; an error is a failure
// to reach the server (it died) or a refusal.
func (r *crashRig) send(p *proc, name, body, key string) error {
	status, out, err := request(p, "POST", "/api/commands/"+name, body, key)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("%s: %d %v", name, status, out)
	}
	return nil
}

// waitStatus waits until the order's instance is inactive in status
// want, or in one of the statuses also; failed, or ended otherwise, is an
// error.
func (r *crashRig) waitStatus(p *proc, order string, want sagas.Status, also ...sagas.Status) error {
	deadline := time.Now().Add(45 * time.Second)
	for {
		_, out, err := request(p, "GET", "/api/views/sagas.instances?filter[key]="+url.QueryEscape(order), "", "")
		if err != nil {
			return err
		}
		items, _ := out["items"].([]any)
		if len(items) == 1 {
			doc := items[0].(map[string]any)
			status, active := sagas.Status(fmt.Sprint(doc["status"])), doc["active"] == true
			switch {
			case status == want && !active, slices.Contains(also, status):
				return nil
			case status == sagas.StatusFailed:
				return fmt.Errorf("instance %s failed: %v", order, doc["reason"])
			case status == sagas.StatusCompensated && want != status && !active:
				return fmt.Errorf("instance %s was compensated (%v), want %s", order, doc["reason"], want)
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("instance %s is not %s after 45s: %v", order, want, items)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// request is proc.do that reports a dead server instead of failing.
func request(p *proc, method, path, body, key string) (int, map[string]any, error) {
	req, err := http.NewRequest(method, p.url+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	p.sign(req)
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			return res.StatusCode, nil, fmt.Errorf("%s %s: %s", method, path, raw)
		}
	}
	return res.StatusCode, out, nil
}

// check reads the ended order's views: its state, the stock of its SKUs
// and their movements.
func (r *crashRig) check(order string) {
	r.t.Helper()
	r.p.caughtUp()
	completed := r.s.want == sagas.StatusCompleted
	wantState := map[bool]string{true: "confirmed", false: "cancelled"}[completed]
	if rows := r.p.items("orders.list", "&filter[orderId]="+order); len(rows) != 1 || rows[0]["state"] != wantState {
		r.t.Errorf("order %s: %v, want %s", order, rows, wantState)
	}
	for j, l := range r.s.lines {
		sku := skuOf(order, j)
		rows := r.p.items("warehouse.stock", "&filter[sku]="+sku)
		wantReserved := int64(0)
		if completed {
			wantReserved = l.quantity
		}
		if len(rows) != 1 || rows[0]["reserved"] != float64(wantReserved) || rows[0]["onHand"] != float64(l.onHand) {
			r.t.Errorf("order %s, %s: stock %v, want %d on hand and %d reserved", order, sku, rows, l.onHand, wantReserved)
		}
		kinds := map[string]int{}
		for _, m := range r.p.items("warehouse.movements", "&filter[sku]="+sku) {
			kinds[fmt.Sprint(m["kind"])]++
		}
		if kinds["reserved"] > 1 || kinds["released"] > kinds["reserved"] {
			r.t.Errorf("order %s, %s: movements %v; a reservation made or released twice", order, sku, kinds)
		}
	}
}

// checkLedger stops the server and reads the simulated gateway's ledger:
// no order charged twice, money held only for the completed ones.
func (r *crashRig) checkLedger() {
	r.t.Helper()
	if r.p != nil && r.p.cmd.ProcessState == nil {
		r.p.kill()
	}
	gw, err := simulated.Open(filepath.Join(r.dir, "payments-simulated.jsonl"), simulated.Behaviour{})
	if err != nil {
		r.t.Fatal(err)
	}
	defer func() { _ = gw.Close() }()
	if d := gw.DoubleCharges(); d != nil {
		r.t.Errorf("charged twice: %v; ledger %+v", d, gw.Ledger())
	}
	var amount int64
	for _, l := range r.s.lines {
		amount += l.quantity * crashPrice
	}
	for _, order := range r.orders {
		want := int64(0)
		if r.s.want == sagas.StatusCompleted {
			want = amount
		}
		if got := gw.Outstanding(order); got != want {
			r.t.Errorf("order %s: the gateway holds %d, want %d; ledger %+v", order, got, want, gw.Ledger())
		}
	}
}
