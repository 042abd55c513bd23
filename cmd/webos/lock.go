package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// lockDataDir takes an exclusive lock on the data directory, so that a
// server and a rebuild (or two servers) never work on the same files at
// once. The lock is the operating system's (flock on unix, LockFileEx on
// windows), held on an open file: it goes when the process dies, even by
// SIGKILL, so a crash never leaves a stale lock behind.
// errDataDirInUse is the lock's answer while another process holds it.
var errDataDirInUse = errors.New("data dir in use")

func lockDataDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, "webos.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("data dir %s is in use by another webos process (stop it first): %w", dir, errors.Join(errDataDirInUse, err))
	}
	return func() { _ = f.Close() }, nil
}
