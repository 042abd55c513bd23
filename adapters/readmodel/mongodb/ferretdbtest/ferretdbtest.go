// Package ferretdbtest runs FerretDB, a MongoDB wire-protocol server
// written in Go, for tests: it builds the wrapper command in ./server (its
// own Go module) once per source version, caching the binary, and starts
// it as a separate process on a free port, which a fault test can kill and
// start again.
//
// The backend is FerretDB's SQLite one, in a temporary directory per
// server: measured against its PostgreSQL backend on the machine's
// PostgreSQL, it ran the read-model conformance suite in 13 s instead of
// 30 s, and PostgreSQL's jsonb cannot hold a string with a NUL character,
// which MongoDB and the suite's documents can (docs/benchmarks.md).
package ferretdbtest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// Binary returns the path of the built server, building it on first use.
// The binary is cached under the user's cache directory by a hash of the
// server's sources, so only the first run after a change pays the build.
func Binary() (string, error) {
	buildOnce.Do(func() { binary, buildErr = build() })
	return binary, buildErr
}

func build() (string, error) {
	_, self, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(self), "server")
	h := sha256.New()
	for _, f := range []string{"main.go", "go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	out := filepath.Join(cache, "webos-ferretdb", hex.EncodeToString(h.Sum(nil))[:16], "ferretdb")
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", err
	}
	// Build beside the target and rename: parallel test binaries may build
	// at once, and none may run a half-written file.
	tmp := fmt.Sprintf("%s.%d", out, os.Getpid())
	cmd := exec.Command("go", "build", "-o", tmp, ".")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building FerretDB: %w\n%s", err, b)
	}
	return out, os.Rename(tmp, out)
}

// Server is a running FerretDB process.
type Server struct {
	// Addr is its host:port.
	Addr string
	cmd  *exec.Cmd
	args []string
	log  *os.File
}

// Start starts a server on a free port, with its data in a temporary
// directory, stopped when t ends, and returns it. It fails t when FerretDB cannot be built or does not come up.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := &Server{Addr: freeAddr(t)}
	s.args = []string{bin, "-listen", s.Addr, "-handler", "sqlite", "-sqlite-url", "file:" + dir + "/"}
	if s.log, err = os.Create(filepath.Join(dir, "ferretdb.log")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Kill()
		if t.Failed() {
			_, _ = s.log.Seek(0, io.SeekStart)
			b, _ := io.ReadAll(s.log)
			t.Logf("FerretDB log:\n%s", b)
		}
		_ = s.log.Close()
	})
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	return s
}

// URL returns the server's mongodb:// URL for database db.
func (s *Server) URL(db string) string { return "mongodb://" + s.Addr + "/" + db }

// Kill kills the server process (SIGKILL) and waits for it to end.
func (s *Server) Kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
		s.cmd = nil
	}
}

// Restart starts the server again on the same address and data, after
// Kill, and waits until it accepts connections.
func (s *Server) Restart() error {
	s.cmd = exec.Command(s.args[0], s.args[1:]...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
			_ = c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Kill()
	return fmt.Errorf("FerretDB did not listen on %s within 30s", s.Addr)
}

// Database returns a fresh database name, unique to this run.
func Database(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String()
}
