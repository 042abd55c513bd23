package eventstoretest

import (
	"context"
	"reflect"
	"testing"

	"github.com/webos-engine/webos/application"
)

// testEventByID: every stored event is found by its id, exactly as a
// stream read returns it; an unknown id is not an error.
func testEventByID(t *testing.T, s application.EventStore) {
	ctx := context.Background()
	mustAppend(t, s, "a", 0, 2)
	mustAppend(t, s, "b", 0, 1)
	for _, stream := range []string{"a", "b"} {
		for _, want := range readStream(t, s, stream, 0, application.Forward, 0) {
			got, ok, err := s.EventByID(ctx, want.ID)
			if err != nil || !ok || !reflect.DeepEqual(got, want) {
				t.Fatalf("EventByID(%s) = %+v, %v, %v; want %+v", want.ID, got, ok, err, want)
			}
		}
	}
	if _, ok, err := s.EventByID(ctx, "no-such-event"); ok || err != nil {
		t.Fatalf("unknown id: ok %v err %v", ok, err)
	}
}
