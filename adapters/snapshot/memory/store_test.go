package memory_test

import (
	"testing"

	"github.com/webos-engine/webos/adapters/snapshot/memory"
	"github.com/webos-engine/webos/adapters/snapshot/snapshottest"
	"github.com/webos-engine/webos/application"
)

func TestConformance(t *testing.T) {
	snapshottest.Run(t, func(*testing.T) application.SnapshotStore { return memory.New() })
}
