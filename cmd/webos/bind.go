package main

import (
	"errors"
	"fmt"
	"net"
)

// bind listens on addr. Its errors tell an operator what to change: the
// address comes from --addr or WEBOS_ADDR.
func bind(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	switch {
	case err == nil:
		return ln, nil
	case errors.Is(err, addrInUse):
		return nil, fmt.Errorf("address %s is already in use by another process: stop it, or choose another address with --addr or WEBOS_ADDR: %w", addr, err)
	default:
		return nil, fmt.Errorf("cannot listen on %s (set the address with --addr or WEBOS_ADDR): %w", addr, err)
	}
}
