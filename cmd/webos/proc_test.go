package main_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the real webos binary once per test run.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "webos-e2e-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "webos")
		// The webostest tag compiles in the test hooks (testhooks_on.go),
		// which do nothing unless a test sets their variables.
		out, err := exec.Command("go", "build", "-tags", "webostest", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// proc is a running webos serve.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string
	logs *testkit.LogBuffer
	// token is an administrator's API token, sent with every request
	// unless the request sets Authorization itself ("" for none).
	token string
}

// testAdmin is the administrator the tests create in each data dir.
const testAdmin = "admin@test.example"

// tokens holds the API token of each data dir's test administrator.
var tokens sync.Map

// adminToken creates, once per data dir, an administrator and an API
// token for it with the admin commands, as a script or CI would.
func adminToken(t testing.TB, dataDir string) string {
	t.Helper()
	if v, ok := tokens.Load(dataDir); ok {
		return v.(string)
	}
	if out, err := exec.Command(binary(t), "admin", "create-user", "--data-dir", dataDir, "--email", testAdmin, "--role", "admin").CombinedOutput(); err != nil {
		t.Fatalf("admin create-user: %v\n%s", err, out)
	}
	cmd := exec.Command(binary(t), "admin", "create-token", "--data-dir", dataDir, "--email", testAdmin, "--name", "tests")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("admin create-token: %v", err)
	}
	tok := strings.TrimSpace(string(out))
	tokens.Store(dataDir, tok)
	return tok
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String()
}

// serve starts the binary on dataDir and waits until it is ready.
func serve(t *testing.T, dataDir string, extra ...string) *proc {
	t.Helper()
	return serveEnv(t, dataDir, nil, extra...)
}

// serveEnv is serve with env (NAME=value) added to the environment.
func serveEnv(t *testing.T, dataDir string, env []string, extra ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	p := &proc{t: t, url: "http://" + addr, logs: &testkit.LogBuffer{}, token: adminToken(t, dataDir)}
	p.cmd = exec.Command(binary(t), append([]string{"serve", "--data-dir", dataDir, "--addr", addr}, extra...)...)
	if env != nil {
		p.cmd.Env = append(os.Environ(), env...)
	}
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(p.url + "/readyz"); err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("webos did not become ready:\n%s", p.logs)
	return nil
}

// wantLog fails the test unless the server logged text. It waits a
// little: the server's output reaches the buffer through a pipe that exec
// copies on its own goroutine, so a line written before an HTTP answer
// may arrive after it.
func (p *proc) wantLog(text string) {
	p.t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(p.logs.String(), text); {
		if time.Now().After(deadline) {
			p.t.Fatalf("the log does not say %q:\n%s", text, p.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL: no shutdown code runs.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
}

// stop sends SIGTERM and expects a clean exit. It first closes the test
// client's idle connections: the client may hold one it dialled for a
// request that then went out on another, and the server's shutdown waits
// up to 5 s for a connection that has not sent its first request yet.
func (p *proc) stop() {
	p.t.Helper()
	http.DefaultClient.CloseIdleConnections()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		p.t.Fatalf("webos exited with %v after SIGTERM:\n%s", err, p.logs)
	}
}

// do sends a request and decodes a JSON answer into a generic map.
func (p *proc) do(method, path, body string, header map[string]string) (int, map[string]any, http.Header) {
	p.t.Helper()
	req, err := http.NewRequest(method, p.url+path, strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	p.sign(req)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if req.Header.Get("Authorization") == "" {
		req.Header.Del("Authorization")
	}
	if host := req.Header.Get("Host"); host != "" {
		req.Host = host // the client sends the Host header from here
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			p.t.Fatalf("%s %s: answer is not a JSON object: %s", method, path, raw)
		}
	}
	return res.StatusCode, out, res.Header
}

// sign adds the administrator's token to req.
func (p *proc) sign(req *http.Request) {
	req.Header.Set("Authorization", "Bearer "+p.token)
}

// post sends body as JSON to path with the administrator's token.
func (p *proc) post(path, body string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, p.url+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	p.sign(req)
	return http.DefaultClient.Do(req)
}

// get reads path with the administrator's token.
func (p *proc) get(path string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, p.url+path, http.NoBody)
	if err != nil {
		return nil, err
	}
	p.sign(req)
	return http.DefaultClient.Do(req)
}

// command posts a command and fails the test unless it is accepted.
func (p *proc) command(name, body string) map[string]any {
	p.t.Helper()
	status, out, _ := p.do("POST", "/api/commands/"+name, body, nil)
	if status != http.StatusOK {
		p.t.Fatalf("%s %s: %d %v", name, body, status, out)
	}
	return out
}

// head is the event store's head position as /api/modules reports it.
func (p *proc) head() float64 {
	p.t.Helper()
	_, out, _ := p.do("GET", "/api/modules", "", nil)
	ps, _ := out["projections"].([]any)
	if len(ps) == 0 {
		p.t.Fatalf("/api/modules lists no projections: %v", out)
	}
	return ps[0].(map[string]any)["head"].(float64)
}

// caughtUp waits until every projection has no lag.
func (p *proc) caughtUp() {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		_, out, _ := p.do("GET", "/api/modules", "", nil)
		lagging := false
		for _, s := range out["projections"].([]any) {
			lagging = lagging || s.(map[string]any)["lag"].(float64) > 0
		}
		if !lagging {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatal("projections did not catch up")
}

// items returns every document of a view, following cursors.
func (p *proc) items(view, query string) []map[string]any {
	p.t.Helper()
	var all []map[string]any
	cursor := ""
	for {
		path := "/api/views/" + view + "?limit=1000" + query
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		status, out, _ := p.do("GET", path, "", nil)
		if status != http.StatusOK {
			p.t.Fatalf("GET %s: %d %v", path, status, out)
		}
		for _, it := range out["items"].([]any) {
			all = append(all, it.(map[string]any))
		}
		next, _ := out["next"].(string)
		if next == "" {
			return all
		}
		cursor = next
	}
}

// port is the port the process listens on.
func (p *proc) port() string {
	return p.url[strings.LastIndexByte(p.url, ':')+1:]
}

// loadUntilKilled sends stock receipts to skus from eight clients until
// at least n were accepted, then SIGKILLs p while they keep sending. It
// returns the ids of the events of every accepted command.
func loadUntilKilled(t *testing.T, p *proc, skus []string, n int64) map[string]bool {
	t.Helper()
	var mu sync.Mutex
	acked := map[string]bool{}
	var sent atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"sku":%q,"quantity":%d,"reference":"w%d-%d"}`, skus[(w+i)%len(skus)], 1+i%5, w, i)
				res, err := p.post("/api/commands/warehouse.ReceiveStock", body)
				if err != nil {
					return // the process is gone
				}
				var out struct{ Events []string }
				ok := res.StatusCode == http.StatusOK && json.NewDecoder(res.Body).Decode(&out) == nil
				_ = res.Body.Close()
				if ok {
					sent.Add(1)
					mu.Lock()
					for _, id := range out.Events {
						acked[id] = true
					}
					mu.Unlock()
				}
			}
		})
	}
	for deadline := time.Now().Add(60 * time.Second); sent.Load() < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d commands accepted in 60s:\n%s", sent.Load(), p.logs)
		}
	}
	p.kill()
	close(stop)
	wg.Wait()
	return acked
}
