//go:build unix

package main

import (
	"os"
	"syscall"
)

// lockFile takes a non-blocking exclusive flock on f; closing f drops it.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
