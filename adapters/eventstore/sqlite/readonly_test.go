package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/adapters/eventstore/sqlite/sqlitetest"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// A read-only store reads every event, WAL included, and leaves the
// database and its WAL byte for byte as it found them: after a clean close
// (no WAL), after a killed process (WAL and -shm left, or the WAL alone),
// and on a file of an older schema, which Open would migrate.
func TestReadOnlyLeavesTheFileAlone(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		prepare func(t *testing.T, path string) // leaves a store file at path
		storeID bool                            // the file has a store id
		saved   bool                            // the file has checkpoints
	}{
		{"closed cleanly", closedStore, true, true},
		{"killed, WAL and shm left", func(t *testing.T, path string) { killedStore(t, path, true) }, true, true},
		{"killed, WAL left without shm", func(t *testing.T, path string) { killedStore(t, path, false) }, true, true},
		{"schema version 2", func(t *testing.T, path string) {
			closedStore(t, path)
			sqlitetest.Exec(t, path, "DROP TABLE checkpoints", "PRAGMA user_version = 2")
		}, true, false},
		{"schema version 1", func(t *testing.T, path string) {
			closedStore(t, path)
			sqlitetest.Exec(t, path, "DROP TABLE checkpoints", "DROP TABLE meta", "PRAGMA user_version = 1")
		}, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "events.db")
			c.prepare(t, path)
			before := sqlitetest.Evidence(t, path)
			s, err := sqlite.OpenReadOnly(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.ReadAll(ctx, 0, 0)
			if err != nil || len(got) != 5 || got[4].StreamVersion != 3 || got[4].StreamID != "a" {
				t.Fatalf("read %d events (%v), want the 5 written", len(got), err)
			}
			if _, err := s.Append(ctx, "c", domain.NoStream, events("c", 1)); !errors.Is(err, sqlite.ErrReadOnly) {
				t.Fatalf("Append on a read-only store: %v, want ErrReadOnly", err)
			}
			if id, err := s.StoreID(ctx); (err == nil) != c.storeID || (err == nil && len(id) != 32) {
				t.Fatalf("StoreID: %q, %v", id, err)
			}
			if err := s.SaveCheckpoint(ctx, "forwarder", application.Checkpoint{}); !errors.Is(err, sqlite.ErrReadOnly) {
				t.Fatalf("SaveCheckpoint on a read-only store: %v, want ErrReadOnly", err)
			}
			want := application.Checkpoint{}
			if c.saved {
				want = savedCheckpoint
			}
			if cp, err := s.LoadCheckpoint(ctx, "forwarder"); err != nil || cp != want {
				t.Fatalf("LoadCheckpoint = %+v, %v; want %+v", cp, err, want)
			}
			mustClose(t, s)
			if after := sqlitetest.Evidence(t, path); !reflect.DeepEqual(after, before) {
				t.Fatalf("the read-only store changed the files:\nbefore %v\nafter  %v", sqlitetest.Sizes(before), sqlitetest.Sizes(after))
			}
		})
	}
}

// closedStore writes five events in two streams and closes the store,
// which checkpoints the WAL into the database and removes it.
func closedStore(t *testing.T, path string) {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	write(t, s)
	mustClose(t, s)
}

// killedStore leaves at path what a process killed after writing five
// events leaves: the database, its WAL holding every write (nothing has
// been checkpointed yet), and, if shm, the WAL index.
func killedStore(t *testing.T, path string, shm bool) {
	t.Helper()
	live := filepath.Join(t.TempDir(), "events.db")
	s, err := sqlite.Open(live)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, s)
	write(t, s)
	suffixes := []string{"", "-wal"}
	if shm {
		suffixes = append(suffixes, "-shm")
	}
	for _, suffix := range suffixes {
		b, err := os.ReadFile(live + suffix)
		if err != nil || (suffix == "-wal" && len(b) == 0) {
			t.Fatalf("%s: %d bytes, %v", suffix, len(b), err)
		}
		if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// savedCheckpoint is the checkpoint write saves.
var savedCheckpoint = application.Checkpoint{StoreID: "s", Position: 5, Hash: "h"}

// write appends five events in two streams and saves a checkpoint.
func write(t *testing.T, s *sqlite.Store) {
	t.Helper()
	ctx := context.Background()
	if err := s.SaveCheckpoint(ctx, "forwarder", savedCheckpoint); err != nil {
		t.Fatal(err)
	}
	for i, w := range []struct {
		stream   string
		expected domain.ExpectedVersion
		n        int
	}{{"a", domain.NoStream, 2}, {"b", domain.NoStream, 2}, {"a", 2, 1}} {
		if _, err := s.Append(ctx, w.stream, w.expected, events(fmt.Sprintf("%s%d", w.stream, i), w.n)); err != nil {
			t.Fatal(err)
		}
	}
}

// OpenReadOnly creates nothing and refuses what it cannot read faithfully.
func TestReadOnlyRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	if s, err := sqlite.OpenReadOnly(missing); err == nil {
		mustClose(t, s)
		t.Fatal("opened a file that does not exist")
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("OpenReadOnly created %s: %v", missing, err)
	}
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(dir, "newer.db")
	closedStore(t, newer)
	sqlitetest.Exec(t, newer, "PRAGMA user_version = 99")
	for _, path := range []string{empty, newer, filepath.Join(dir, "what?.db")} {
		if s, err := sqlite.OpenReadOnly(path); err == nil {
			mustClose(t, s)
			t.Errorf("opened %s", path)
		}
	}
}

// A read-only store beside a live writer sees its later commits, as the
// audit of a data dir sees everything the last server wrote.
func TestReadOnlyBesideAWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "events.db")
	w, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, w)
	r, err := sqlite.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, r)
	write(t, w)
	if head, err := r.Head(ctx); err != nil || head != 5 {
		t.Fatalf("read-only head %d (%v), want 5", head, err)
	}
}
