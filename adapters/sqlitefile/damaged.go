// Package sqlitefile deals with SQLite databases as files: telling a
// damaged file from other failures, and moving a damaged one aside, with
// its write-ahead log and shared-memory files, so that a derived store can
// be rebuilt in a fresh file while the damaged one is kept for a post
// mortem.
package sqlitefile

import (
	"errors"
	"fmt"
	"os"
	"time"

	"modernc.org/sqlite"
)

// SQLite result codes (primary, the low byte of an extended code).
const (
	codeCorrupt = 11 // SQLITE_CORRUPT: the database disk image is malformed
	codeNotADB  = 26 // SQLITE_NOTADB: file is not a database
)

// Damaged reports whether err says the database file itself is damaged
// (not a database, or malformed), as opposed to a failure that a retry or
// an operator could fix without touching the file: a lock, a full disk,
// missing permissions.
func Damaged(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == codeCorrupt || code == codeNotADB
}

// MoveAside renames the database at path, with its -wal and -shm files if
// present, to path.damaged-<UTC time>, so that the next open creates a
// fresh file. It returns the new name of the database.
func MoveAside(path string, now time.Time) (string, error) {
	aside := path + ".damaged-" + now.UTC().Format("20060102T150405.000Z")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		err := os.Rename(path+suffix, aside+suffix)
		if err != nil && (suffix == "" || !errors.Is(err, os.ErrNotExist)) {
			return "", fmt.Errorf("move the damaged database aside: %w", err)
		}
	}
	return aside, nil
}
