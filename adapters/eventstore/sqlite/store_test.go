package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/webos-engine/webos/adapters/checkpoint/checkpointtest"
	"github.com/webos-engine/webos/adapters/eventstore/eventstoretest"
	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/application"
)

// open returns a store on a new file in the test's temporary directory.
func open(t *testing.T, opts ...sqlite.Option) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "events.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mustClose closes s and fails the test if that fails.
func mustClose(t *testing.T, s *sqlite.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Error(err)
	}
}

func TestConformance(t *testing.T) {
	eventstoretest.RunWith(t, eventstoretest.Capabilities{GaplessPositions: true}, func(t *testing.T) application.EventStore { return open(t) })
	dir := t.TempDir()
	eventstoretest.RunDurable(t, func(t *testing.T, name string) application.EventStore {
		s, err := sqlite.Open(filepath.Join(dir, name+".db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestCheckpointConformance(t *testing.T) {
	checkpointtest.Run(t, func(t *testing.T) checkpointtest.Store { return open(t) })
	dir := t.TempDir()
	checkpointtest.RunDurable(t, func(t *testing.T, name string) checkpointtest.Store {
		s, err := sqlite.Open(filepath.Join(dir, name+".db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
