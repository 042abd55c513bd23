package kurrentdb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/webos-engine/webos/application"
)

var _ application.CheckpointStore = (*Store)(nil)

// checkpointKeep is the $maxCount of a checkpoint stream: only the last
// saves stay readable, and the server's scavenge drops the rest.
const checkpointKeep = 16

// checkpointData is the event a save appends to the consumer's stream.
type checkpointData struct {
	StoreID  string `json:"storeId"`
	Position uint64 `json:"position"`
	Hash     string `json:"hash"`
}

// LoadCheckpoint returns the last checkpoint saved for consumer: the last
// event of its stream "<ns>-checkpoint:<consumer>", the zero Checkpoint
// when there is none.
func (s *Store) LoadCheckpoint(ctx context.Context, consumer string) (application.Checkpoint, error) {
	if err := application.CheckCheckpoint(consumer, application.Checkpoint{}); err != nil {
		return application.Checkpoint{}, err
	}
	if err := s.usable(ctx); err != nil {
		return application.Checkpoint{}, err
	}
	evs, err := s.readStream(ctx, s.n.checkpoint(consumer), kurrentdb.End{}, kurrentdb.Backwards, 1)
	if err != nil || len(evs) == 0 {
		return application.Checkpoint{}, err
	}
	var d checkpointData
	if err := json.Unmarshal(evs[0].Data, &d); err != nil {
		return application.Checkpoint{}, fmt.Errorf("kurrentdb: checkpoint of %s: %w", consumer, err)
	}
	return application.Checkpoint(d), nil
}

// SaveCheckpoint appends cp to the consumer's stream: the last event wins.
// Every checkpointKeep-th save (the first included) also sets the stream's
// $maxCount, so the stream does not grow without bound.
func (s *Store) SaveCheckpoint(ctx context.Context, consumer string, cp application.Checkpoint) error {
	if err := application.CheckCheckpoint(consumer, cp); err != nil {
		return err
	}
	if err := s.usable(ctx); err != nil {
		return err
	}
	c, err := s.conn()
	if err != nil {
		return err
	}
	data, _ := json.Marshal(checkpointData(cp))
	stream := s.n.checkpoint(consumer)
	ev := kurrentdb.EventData{EventID: uuid.New(), EventType: "webos.CheckpointSaved", ContentType: kurrentdb.ContentTypeJson, Data: data}
	resp, err := c.MultiStreamAppend(ctx, slices.Values([]kurrentdb.AppendStreamRequest{{
		StreamName: stream, Events: slices.Values([]kurrentdb.EventData{ev}), ExpectedStreamState: kurrentdb.Any{},
	}}))
	if err != nil {
		return s.fail(ctx, c, err)
	}
	if len(resp.Responses) == 1 && resp.Responses[0].StreamRevision%checkpointKeep == 0 {
		var meta kurrentdb.StreamMetadata
		meta.SetMaxCount(checkpointKeep)
		if _, err := c.SetStreamMetadata(ctx, stream, kurrentdb.AppendToStreamOptions{}, meta); err != nil {
			return s.fail(ctx, c, err)
		}
	}
	return nil
}
