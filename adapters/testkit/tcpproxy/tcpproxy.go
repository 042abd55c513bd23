// Package tcpproxy is a TCP proxy for fault tests: it stands between a
// client and a server that the test must not stop because others share it
// (the machine's PostgreSQL or RabbitMQ), and cuts the connections as a
// server that went away would.
package tcpproxy

import (
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
)

// Proxy forwards connections to a target: Kill cuts every connection
// through it and refuses new ones; Start accepts again on the same port.
type Proxy struct {
	t      *testing.T
	Port   int
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

// Start starts a proxy to target (host:port) on a free port; it is
// killed at cleanup.
func Start(t *testing.T, target string) *Proxy {
	p := &Proxy{t: t, target: target, conns: map[net.Conn]bool{}}
	p.listen("127.0.0.1:0")
	p.Port = p.ln.Addr().(*net.TCPAddr).Port
	t.Cleanup(p.Kill)
	return p
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return "127.0.0.1:" + strconv.Itoa(p.Port) }

// Restart accepts connections again after Kill.
func (p *Proxy) Restart() { p.listen(p.Addr()) }

func (p *Proxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // Kill closed the listener
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.pipe(c)
			}()
		}
	}()
}

// pipe copies between c and a new connection to the target until either
// side or Kill closes them.
func (p *Proxy) pipe(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = c.Close()
		return
	}
	if !p.track(c, up) {
		return
	}
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go cp(up, c)
	go cp(c, up)
	<-done
	p.untrack(c, up)
	<-done
}

// track records the pair, or closes it when the proxy was killed
// meanwhile.
func (p *Proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = true
	}
	return true
}

func (p *Proxy) untrack(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
		delete(p.conns, c)
	}
}

// Kill closes the listener and every connection through the proxy, and
// waits until their goroutines ended.
func (p *Proxy) Kill() {
	p.mu.Lock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
		delete(p.conns, c)
	}
	p.mu.Unlock()
	p.wg.Wait()
}
