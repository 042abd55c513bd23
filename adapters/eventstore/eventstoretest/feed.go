package eventstoretest

import (
	"context"
	"slices"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func testReadAllAndHead(t *testing.T, s application.EventStore, caps Capabilities) {
	ctx := context.Background()
	if h := headOf(t, s); h != 0 {
		t.Fatalf("head of an empty store = %d", h)
	}
	if got, err := s.ReadAll(ctx, 0, 0); err != nil || len(got) != 0 {
		t.Fatalf("ReadAll on an empty store: %d events, %v", len(got), err)
	}
	appended := mustAppend(t, s, "a", domain.NoStream, 3)
	appended = append(appended, mustAppend(t, s, "b", domain.NoStream, 2)...)
	appended = append(appended, mustAppend(t, s, "a", 3, 2)...)
	all := feedAfter(t, s, 0, len(appended))
	wantPositions(t, caps, "feed", all, 0)
	if got, want := ids(all), ids(appended); !slices.Equal(got, want) {
		t.Fatalf("feed holds %v, want the appended %v in order", got, want)
	}
	if got, want := positions(all), positions(appended); !slices.Equal(got, want) {
		t.Fatalf("feed positions %v, want the positions Append answered %v", got, want)
	}
	var streams []string
	for _, e := range all {
		streams = append(streams, e.StreamID)
	}
	if want := []string{"a", "a", "a", "b", "b", "a", "a"}; !slices.Equal(streams, want) {
		t.Fatalf("feed streams %v, want %v", streams, want)
	}
	p := positions(all)
	last := p[6]
	for _, c := range []struct {
		after uint64
		limit int
		want  []uint64
	}{
		{p[2], 2, p[3:5]}, {p[4], 0, p[5:]}, {p[5], 10, p[6:]}, {last, 5, nil}, {last + 100, 0, nil},
		// Between two positions (in a gap, if the store leaves one there):
		// the next event is the first after it.
		{p[3] - 1, 1, p[3:4]}, {p[0] - 1, 0, p},
	} {
		got, err := s.ReadAll(ctx, c.after, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(positions(got), c.want) {
			t.Errorf("ReadAll(%d, %d) = %v, want %v", c.after, c.limit, positions(got), c.want)
		}
	}
	feedAt(t, s, last)
}

// ids lists the ids of events.
func ids(events []domain.Envelope) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}
