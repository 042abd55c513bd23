package main

import (
	"flag"
	"net"
	"net/http"
	"strconv"
	"time"
)

// maxHeaderBytes caps a request's header block. The API reads a handful of
// short headers; net/http's default (1 MB) would let each connection hold
// a megabyte before any handler runs. A larger header gets a 431.
const maxHeaderBytes = 64 << 10

// httpFlags are serve's settings of the HTTP server itself. The timeouts
// bound what one slow or stalled client can hold: a connection that sends
// its headers and then trickles or stalls its body is closed after
// readTimeout; a handler's answer must be written within writeTimeout; an
// idle keep-alive connection is closed after idleTimeout.
type httpFlags struct {
	allowedHosts list
	readTimeout  time.Duration
	writeTimeout time.Duration
	idleTimeout  time.Duration
}

func (h *httpFlags) register(fs *flag.FlagSet) {
	fs.Var(&h.allowedHosts, "allowed-hosts", "comma-separated `HOSTS` (name or name:port) the API answers to, against DNS rebinding; "+
		"\"*\" allows any (default: the --addr host and localhost, 127.0.0.1, [::1] on its port)")
	fs.DurationVar(&h.readTimeout, "read-timeout", 30*time.Second, "how long a client may take to send a whole request")
	fs.DurationVar(&h.writeTimeout, "write-timeout", 60*time.Second, "how long a request may take from its headers to the end of its answer")
	fs.DurationVar(&h.idleTimeout, "idle-timeout", 2*time.Minute, "how long an idle keep-alive connection stays open")
}

// server returns the http.Server for handler with these settings.
func (h *httpFlags) server(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       h.readTimeout,
		WriteTimeout:      h.writeTimeout,
		IdleTimeout:       h.idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}

// hosts returns the Host header values to answer: the flag's list, or by
// default the names the engine was told to listen on and the loopback
// names, all on the port it listens on. Listening on every interface
// adds every interface address.
func (h *httpFlags) hosts(addr string, ln net.Addr) []string {
	if len(h.allowedHosts) > 0 {
		return h.allowedHosts
	}
	tcp, ok := ln.(*net.TCPAddr)
	if !ok {
		return nil // httpapi's default: the loopback names on any port
	}
	names := []string{"localhost", "127.0.0.1", "::1", tcp.IP.String()}
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" {
		names = append(names, host)
	}
	if tcp.IP.IsUnspecified() {
		ips, _ := net.InterfaceAddrs() // none found: the loopback names remain
		for _, a := range ips {
			if n, ok := a.(*net.IPNet); ok {
				names = append(names, n.IP.String())
			}
		}
	}
	port := strconv.Itoa(tcp.Port)
	for i, n := range names {
		names[i] = net.JoinHostPort(n, port)
	}
	return names
}
