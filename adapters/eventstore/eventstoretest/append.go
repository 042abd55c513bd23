package eventstoretest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func testAppendAndReadStream(t *testing.T, s application.EventStore, caps Capabilities) {
	in := newEvents(5)
	out, err := s.Append(context.Background(), "order-1", domain.NoStream, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := versions(out); !slices.Equal(got, seq(1, 5)) {
		t.Fatalf("appended versions %v", got)
	}
	wantPositions(t, caps, "appended to a new store", out, 0)
	if in[0].StreamVersion != 0 || in[0].Hash != "" {
		t.Fatal("Append modified the caller's events")
	}
	fwd, back := application.Forward, application.Backward
	for _, c := range []struct {
		from  uint64
		dir   application.Direction
		limit int
		want  []uint64
	}{
		{0, fwd, 0, seq(1, 5)}, {1, fwd, -1, seq(1, 5)}, {3, fwd, 2, seq(3, 4)},
		{5, fwd, 10, seq(5, 5)}, {6, fwd, 0, nil},
		{0, back, 0, seq(5, 1)}, {4, back, 2, seq(4, 3)}, {1, back, 5, seq(1, 1)},
		{10, back, 0, seq(5, 1)},
	} {
		got := versions(readStream(t, s, "order-1", c.from, c.dir, c.limit))
		if !slices.Equal(got, c.want) {
			t.Errorf("read from %d dir %d limit %d: versions %v, want %v", c.from, c.dir, c.limit, got, c.want)
		}
	}
	if err := domain.VerifyChain("", readStream(t, s, "order-1", 0, fwd, 0)); err != nil {
		t.Fatalf("chain: %v", err)
	}
}

func testEmptyStream(t *testing.T, s application.EventStore) {
	ctx := context.Background()
	mustAppend(t, s, "other", domain.NoStream, 2)
	for _, dir := range []application.Direction{application.Forward, application.Backward} {
		if got := readStream(t, s, "missing", 0, dir, 0); len(got) != 0 {
			t.Fatalf("missing stream read %d events", len(got))
		}
	}
	if v, err := s.StreamVersion(ctx, "missing"); err != nil || v != 0 {
		t.Fatalf("StreamVersion(missing) = %d, %v", v, err)
	}
	if v, err := s.StreamVersion(ctx, "other"); err != nil || v != 2 {
		t.Fatalf("StreamVersion(other) = %d, %v", v, err)
	}
}

func testExpectedVersion(t *testing.T, s application.EventStore) {
	ctx := context.Background()
	mustAppend(t, s, "acct", domain.NoStream, 3)
	for _, expected := range []domain.ExpectedVersion{domain.NoStream, 2, 4} {
		_, err := s.Append(ctx, "acct", expected, newEvents(1))
		if !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("append at %d to a stream at 3: err %v, want a conflict", expected, err)
		}
		wantCode(t, err, domain.KindConflict, "version_conflict")
	}
	if v, _ := s.StreamVersion(ctx, "acct"); v != 3 {
		t.Fatalf("version after conflicts = %d, want 3", v)
	}
	if out := mustAppend(t, s, "acct", domain.AnyVersion, 1); out[0].StreamVersion != 4 {
		t.Fatalf("AnyVersion append got version %d", out[0].StreamVersion)
	}
	if out := mustAppend(t, s, "acct", 4, 2); !slices.Equal(versions(out), seq(5, 6)) {
		t.Fatalf("append at 4 got versions %v", versions(out))
	}
	if out := mustAppend(t, s, "fresh", domain.AnyVersion, 1); out[0].StreamVersion != 1 {
		t.Fatalf("AnyVersion on a new stream got version %d", out[0].StreamVersion)
	}
}
