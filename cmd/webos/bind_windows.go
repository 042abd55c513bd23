//go:build windows

package main

import "golang.org/x/sys/windows"

// addrInUse is the error a listen on a taken port wraps: Winsock's own
// code, which syscall.EADDRINUSE (an invented value there) never matches.
var addrInUse error = windows.WSAEADDRINUSE
