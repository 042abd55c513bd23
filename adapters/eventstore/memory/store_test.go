package memory_test

import (
	"testing"

	"github.com/webos-engine/webos/adapters/checkpoint/checkpointtest"
	"github.com/webos-engine/webos/adapters/eventstore/eventstoretest"
	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/application"
)

func TestConformance(t *testing.T) {
	for name, c := range map[string]struct {
		opts memory.Options
		caps eventstoretest.Capabilities
	}{
		"plain":              {memory.Options{}, eventstoretest.Capabilities{GaplessPositions: true}},
		"gaps":               {memory.Options{Gaps: true}, eventstoretest.Capabilities{}},
		"idempotent retries": {memory.Options{IdempotentRetries: true}, eventstoretest.Capabilities{GaplessPositions: true, IdempotentRetries: true}},
	} {
		t.Run(name, func(t *testing.T) {
			eventstoretest.RunWith(t, c.caps, func(*testing.T) application.EventStore { return memory.NewWith(c.opts) })
		})
	}
}

func TestCheckpointConformance(t *testing.T) {
	checkpointtest.Run(t, func(*testing.T) checkpointtest.Store { return memory.New() })
}
