//go:build unix

package main

import "syscall"

// addrInUse is the error a listen on a taken port wraps.
var addrInUse error = syscall.EADDRINUSE
