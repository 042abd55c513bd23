package sagas_test

import (
	"context"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/sagas"
)

func TestFollowHandsTheFeedOnAndCheckpointsHandledEvents(t *testing.T) {
	t.Parallel()
	s := testkit.Saga(t, definition, tripsModule{}).Executing()
	cps := application.ReadModelCheckpoints{Store: s.Engine.ReadModels}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); s.Runtime.Follow(ctx, cps) }()
	env := s.Append("trips.requests", TripRequested{TripID: "t9", Items: []string{"hotel"}})
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := s.Runtime.Instance(t.Context(), definition, "t9")
		if err != nil {
			t.Fatal(err)
		}
		cp, err := cps.LoadCheckpoint(t.Context(), sagas.FeedConsumer)
		if err != nil {
			t.Fatal(err)
		}
		if st.Exists && cp.Position >= env.Position {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance %+v, checkpoint %d (event at %d)", st, cp.Position, env.Position)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	s.SucceedAll().ThenStatus("t9", sagas.StatusCompleted)
	s.Sent()

	// Following again from the start hands the event on again: nothing changes.
	if err := cps.SaveCheckpoint(t.Context(), sagas.FeedConsumer, application.Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	ctx2, cancel2 := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel2()
	s.Runtime.Follow(ctx2, cps)
	s.ThenNothingSent().ThenStatus("t9", sagas.StatusCompleted)
}
