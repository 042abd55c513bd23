package memory_test

import (
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/eventstoretest"
	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/application"
)

func TestConformance(t *testing.T) {
	eventstoretest.Run(t, func(*testing.T) application.EventStore { return memory.New() })
}
