package main_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestCrossSiteCommandsAreRefused plays a web page that posts commands to
// a local engine: from another site, without a media type (what no-cors
// fetch and sendBeacon send), and through a rebound DNS name. Each is
// refused with a problem and nothing is appended; the engine's own
// clients still get through.
func TestCrossSiteCommandsAreRefused(t *testing.T) {
	t.Parallel()
	p := serve(t, t.TempDir())
	const register = "/api/commands/warehouse.RegisterItem"
	body := `{"sku":"CSRF-1","name":"Widget","unit":"pcs","lowStockThreshold":1}`
	cases := []struct {
		name   string
		header map[string]string
		status int
		code   string
	}{
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403, "cross_origin"},
		{"foreign Origin, no Sec-Fetch-Site", map[string]string{"Origin": "https://evil.example"}, 403, "cross_origin"},
		{"sendBeacon, no media type", map[string]string{"Content-Type": "", "Sec-Fetch-Site": "same-origin"}, 415, "unsupported_media_type"},
		{"form post", map[string]string{"Content-Type": "text/plain"}, 415, "unsupported_media_type"},
		{"DNS rebinding", map[string]string{"Host": "evil.example:" + p.port()}, 421, "unknown_host"},
	}
	before := p.head()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p.t = t
			status, problem, _ := p.do("POST", register, body, c.header)
			if status != c.status || problem["code"] != c.code {
				t.Fatalf("status %d, want %d %s: %v", status, c.status, c.code, problem)
			}
		})
	}
	p.t = t
	if after := p.head(); after != before {
		t.Fatalf("refused requests moved the head from %v to %v", before, after)
	}
	p.command("warehouse.RegisterItem", body)
	if status, out, _ := p.do("POST", "/api/commands/warehouse.ReceiveStock", `{"sku":"CSRF-1","quantity":1}`,
		map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": p.url, "Host": "localhost:" + p.port()}); status != http.StatusOK {
		t.Fatalf("a same-origin command by name: %d %v", status, out)
	}
}

// TestStalledBodyIsCutOff sends headers and half a body, then stalls: the
// server closes the connection after its read timeout, and serves other
// clients meanwhile.
func TestStalledBodyIsCutOff(t *testing.T) {
	t.Parallel()
	p := serve(t, t.TempDir(), "--read-timeout", "1s")
	before := p.head()
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	start := time.Now()
	_, err = io.WriteString(conn, "POST /api/commands/warehouse.RegisterItem HTTP/1.1\r\nHost: "+strings.TrimPrefix(p.url, "http://")+
		"\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"sku\":\"STALL-1\",")
	if err != nil {
		t.Fatal(err)
	}
	if status, _, _ := p.do("GET", "/healthz", "", nil); status != http.StatusOK {
		t.Fatalf("another client during the stall: %d", status)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.Copy(io.Discard, conn) // returns when the server closes
	elapsed := time.Since(start)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept a stalled connection open for %v", elapsed)
	}
	if elapsed > 4*time.Second {
		t.Fatalf("the stalled connection was closed after %v; the read timeout is 1s", elapsed)
	}
	if after := p.head(); after != before {
		t.Fatalf("a stalled request moved the head from %v to %v", before, after)
	}
	p.command("warehouse.RegisterItem", `{"sku":"STALL-2","name":"Widget","unit":"pcs","lowStockThreshold":1}`)
}

// TestHugeHeadersAreRefused checks the header size cap.
func TestHugeHeadersAreRefused(t *testing.T) {
	t.Parallel()
	p := serve(t, t.TempDir())
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	_, _ = io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Pad: "+strings.Repeat("a", 200<<10)+"\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("a 200 KB header: status %d, want 431", res.StatusCode)
	}
}

// TestAllowedHostsFlag replaces the default names with the flag's list.
func TestAllowedHostsFlag(t *testing.T) {
	t.Parallel()
	p := serve(t, t.TempDir(), "--allowed-hosts", "app.example, 127.0.0.1")
	for host, want := range map[string]int{"app.example": 200, "APP.example:" + p.port(): 200, "localhost:" + p.port(): 421} {
		if status, out, _ := p.do("GET", "/healthz", "", map[string]string{"Host": host}); status != want {
			t.Errorf("Host %s: status %d, want %d: %v", host, status, want, out)
		}
	}
}
