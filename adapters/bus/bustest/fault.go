package bustest

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/bus"
)

// Fault runs events through a backend whose server is killed (SIGKILL)
// while events flow and started again: after recovery every event was
// handled and none twice. kill and restart act on the server open
// connects to.
func Fault(t *testing.T, open Factory, kill, restart func()) {
	h := newHarness(t, open)
	h.start()
	before := h.append(10, false)
	h.allOnce(before)
	kill()
	checker, _ := h.backend.(bus.Checker)
	if checker != nil {
		h.eventually("the backend's Check reports the outage", func() bool { return checker.Check(context.Background()) != nil })
	}
	during := h.append(10, false) // the forwarder fails on these and retries
	h.eventually("the forwarder meets the outage", func() bool { return h.fwd.Status().State == bus.StateRetrying })
	restart()
	if checker != nil {
		h.eventually("the backend's Check reports it back", func() bool { return checker.Check(context.Background()) == nil })
	}
	after := h.append(10, false)
	h.allOnce(append(append(before, during...), after...))
}

// Server is a broker process a fault test starts, kills and starts again
// on the same port and data directory.
type Server struct {
	t    testing.TB
	Port int
	args func(port int) []string
	path string
	cmd  *exec.Cmd
}

// StartServer starts path with the arguments args gives for a free port
// and waits until it accepts connections; it is killed at cleanup.
func StartServer(t testing.TB, path string, args func(port int) []string) *Server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	s := &Server{t: t, Port: port, args: args, path: path}
	s.Start()
	t.Cleanup(s.Kill)
	return s
}

// Start starts the server again after Kill.
func (s *Server) Start() {
	s.cmd = exec.Command(s.path, s.args(s.Port)...)
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(s.Port)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			_ = c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s did not listen on %s", s.path, addr)
		}
	}
}

// Kill ends the server with SIGKILL.
func (s *Server) Kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Interrupted runs events through a backend whose connections cut drops
// (on the server's side, e.g. pg_terminate_backend) again and again while
// events are appended, forwarded and consumed; the client reconnects at
// once. After the last cut every event was handled and none twice. cut
// returns how many connections it dropped; the test fails if none ever
// were.
func Interrupted(t *testing.T, open Factory, cut func(token string) int) {
	h := newHarness(t, open)
	h.start()
	all := h.append(10, false)
	h.allOnce(all)
	dropped := 0
	for range 8 {
		all = append(all, h.append(5, false)...)
		time.Sleep(40 * time.Millisecond) // let the forwarder and the consumer get busy with them
		dropped += cut(h.token)
	}
	if dropped == 0 {
		t.Fatal("cut dropped no connection: the test did not interrupt anything")
	}
	all = append(all, h.append(10, false)...)
	h.allOnce(all)
	t.Logf("%d connections dropped; %d events, each handled once, in %d deliveries", dropped, len(all), h.calls.Load())
}
