package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/webos-engine/webos/adapters/snapshot/snapshottest"
	"github.com/webos-engine/webos/adapters/snapshot/sqlite"
	"github.com/webos-engine/webos/application"
)

func TestConformance(t *testing.T) {
	snapshottest.Run(t, func(t *testing.T) application.SnapshotStore {
		s, err := sqlite.Open(filepath.Join(t.TempDir(), "snapshots.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
