package kurrentdbtest_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/webos-engine/webos/adapters/eventstore/kurrentdb/kurrentdbtest"
)

// TestIdempotentSession checks the double's answers to a session sent
// twice (success, nothing written) and to a stale one (a revision
// conflict naming the stream, as the real client decodes it).
func TestIdempotentSession(t *testing.T) {
	srv := kurrentdbtest.Start(t)
	cfg, err := kurrentdb.ParseConnectionString(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	c, err := kurrentdb.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	ctx := context.Background()
	session := func(ids ...uuid.UUID) error {
		var evs []kurrentdb.EventData
		for _, id := range ids {
			evs = append(evs, kurrentdb.EventData{EventID: id, EventType: "t", ContentType: kurrentdb.ContentTypeJson, Data: []byte(`{}`)})
		}
		_, err := c.MultiStreamAppend(ctx, slices.Values([]kurrentdb.AppendStreamRequest{{
			StreamName: "s", Events: slices.Values(evs), ExpectedStreamState: kurrentdb.NoStream{}}}))
		return err
	}
	a, b := uuid.New(), uuid.New()
	if err := session(a, b); err != nil {
		t.Fatal(err)
	}
	if err := session(a, b); err != nil {
		t.Fatalf("the same session again: %v, want an idempotent success", err)
	}
	var rc *kurrentdb.StreamRevisionConflictError
	if err := session(uuid.New()); !errors.As(err, &rc) || rc.Stream != "s" {
		t.Fatalf("a stale session: %v, want a revision conflict on s", err)
	}
	rs, err := c.ReadStream(ctx, "s", kurrentdb.ReadStreamOptions{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	n := 0
	for {
		if _, err := rs.Recv(); err != nil {
			break
		}
		n++
	}
	if n != 2 {
		t.Fatalf("stream s holds %d events, want 2", n)
	}
}
