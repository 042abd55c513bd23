package memory_test

import (
	"testing"

	"github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/adapters/readmodel/readmodeltest"
	"github.com/webos-engine/webos/application"
)

func TestConformance(t *testing.T) {
	readmodeltest.Run(t, readmodeltest.Capabilities{Transactions: true}, func(*testing.T) application.ReadModelStore { return memory.New() })
}
