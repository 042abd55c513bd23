package main

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/modules/identity"
)

// TestServeFollowsIdentityEventsOfOtherProcesses: a user created by
// another process on the same event store (here: a second Directory
// over it, as a second engine would have) is known within the interval.
func TestServeFollowsIdentityEventsOfOtherProcesses(t *testing.T) {
	t.Parallel()
	e, err := openEngine(commonFlags{dataDir: t.TempDir()}, logging.New(io.Discard, 8))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.close() })
	other := identity.New(e.events, nil)
	stale := e.directory
	// The engine's own directory plays the other process's; a second
	// one, loaded by nobody's commands, plays this process's.
	e.directory = other.Directory()
	ctx, cancel := context.WithCancel(context.Background())
	done := e.followIdentity(ctx, 10*time.Millisecond, logging.New(io.Discard, 8))
	if _, err := (&engine{app: e.app, directory: stale}).createUser(asSystem(ctx, "test"), "far@example.com", "", nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok := e.directory.AccountByEmail(ctx, "far@example.com"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the following directory never learnt of the other process's user")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
}
