package eventstoretest

import (
	"context"
	"slices"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func testReadAllAndHead(t *testing.T, s application.EventStore) {
	ctx := context.Background()
	if h := head(t, s); h != 0 {
		t.Fatalf("head of an empty store = %d", h)
	}
	if got, err := s.ReadAll(ctx, 0, 0); err != nil || len(got) != 0 {
		t.Fatalf("ReadAll on an empty store: %d events, %v", len(got), err)
	}
	mustAppend(t, s, "a", domain.NoStream, 3)
	mustAppend(t, s, "b", domain.NoStream, 2)
	mustAppend(t, s, "a", 3, 2)
	all, err := s.ReadAll(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := positions(all); !slices.Equal(got, seq(1, 7)) {
		t.Fatalf("feed positions %v", got)
	}
	var streams []string
	for _, e := range all {
		streams = append(streams, e.StreamID)
	}
	if want := []string{"a", "a", "a", "b", "b", "a", "a"}; !slices.Equal(streams, want) {
		t.Fatalf("feed streams %v, want %v", streams, want)
	}
	for _, c := range []struct {
		after uint64
		limit int
		want  []uint64
	}{{3, 2, seq(4, 5)}, {5, 0, seq(6, 7)}, {6, 10, seq(7, 7)}, {7, 5, nil}, {100, 0, nil}} {
		got, err := s.ReadAll(ctx, c.after, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(positions(got), c.want) {
			t.Errorf("ReadAll(%d, %d) = %v, want %v", c.after, c.limit, positions(got), c.want)
		}
	}
	if h := head(t, s); h != 7 {
		t.Fatalf("head = %d, want 7", h)
	}
}
