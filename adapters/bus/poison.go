package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/webos-engine/webos/application"
)

// PoisonCollection is the read-model collection of the poison archive.
const PoisonCollection = "bus_poison"

// poisonCheckpoint names the archive's Apply batches in the read-model
// store; the checkpoint they carry is always zero.
const poisonCheckpoint = "bus.poison"

var poisonSpec = application.CollectionSpec{Name: PoisonCollection, Fields: []application.FieldSpec{
	{Name: "consumer", Type: application.String}, {Name: "poisonedAt", Type: application.String},
	{Name: "replay", Type: application.Bool},
}, Indexes: [][]string{{"poisonedAt"}, {"replay"}}}

// PoisonRecord is one message a consumer gave up on, with the error.
type PoisonRecord struct {
	// ID is "<consumer>:<message UUID>".
	ID         string            `json:"id"`
	Consumer   string            `json:"consumer"`
	Topic      string            `json:"topic"`
	MessageID  string            `json:"messageId"`
	EventType  string            `json:"eventType,omitempty"`
	Error      string            `json:"error"`
	PoisonedAt string            `json:"poisonedAt"`
	Replay     bool              `json:"replay"`
	Replays    int               `json:"replays,omitempty"`
	Metadata   map[string]string `json:"metadata"`
	Payload    json.RawMessage   `json:"payload"`
}

// Poison is the archive of poison messages, kept in the engine's
// read-model store so that it outlives the process (GoChannel keeps
// nothing) and `webos bus poison list|replay` reads it whatever the bus.
type Poison struct {
	store    application.ReadModelStore
	declare  sync.Once
	declared error
}

// NewPoison returns the poison archive in store.
func NewPoison(store application.ReadModelStore) *Poison { return &Poison{store: store} }

func (p *Poison) ready(ctx context.Context) error {
	p.declare.Do(func() { p.declared = p.store.Declare(ctx, poisonSpec) })
	return p.declared
}

// Keep stores rec, replacing a record with its id.
func (p *Poison) Keep(ctx context.Context, rec PoisonRecord) error {
	if err := p.ready(ctx); err != nil {
		return err
	}
	return p.store.Apply(ctx, poisonCheckpoint, application.Checkpoint{}, func(tx application.ReadModelTx) error {
		return tx.Upsert(ctx, PoisonCollection, rec.ID, rec)
	})
}

// List returns every record, oldest first; replayOnly keeps those marked
// for replay.
func (p *Poison) List(ctx context.Context, replayOnly bool) ([]PoisonRecord, error) {
	if err := p.ready(ctx); err != nil {
		return nil, err
	}
	q := application.Query{Sort: []application.SortKey{{Field: "poisonedAt"}}, Limit: 500}
	if replayOnly {
		q.Filters = []application.Filter{{Field: "replay", Op: application.Eq, Value: true}}
	}
	var out []PoisonRecord
	for {
		page, err := p.store.Find(ctx, PoisonCollection, q)
		if err != nil {
			return nil, err
		}
		for _, raw := range page.Items {
			var rec PoisonRecord
			if err := json.Unmarshal(raw, &rec); err != nil {
				return nil, fmt.Errorf("poison record: %w", err)
			}
			out = append(out, rec)
		}
		if page.Next == "" {
			return out, nil
		}
		q.Cursor = page.Next
	}
}

// MarkReplay marks the records with the given ids (every record when ids
// is empty) for replay; the Router of a running engine that hosts their
// consumer hands them to the consumer again. It returns how many it
// marked, and fails naming an id that is not archived.
func (p *Poison) MarkReplay(ctx context.Context, ids []string) (int, error) {
	if len(ids) == 0 {
		all, err := p.List(ctx, false)
		if err != nil {
			return 0, err
		}
		for _, rec := range all {
			ids = append(ids, rec.ID)
		}
	}
	if err := p.ready(ctx); err != nil {
		return 0, err
	}
	err := p.store.Apply(ctx, poisonCheckpoint, application.Checkpoint{}, func(tx application.ReadModelTx) error {
		for _, id := range ids {
			if err := tx.Patch(ctx, PoisonCollection, id, map[string]any{"replay": true}); err != nil {
				return fmt.Errorf("poison message %q: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}

func (p *Poison) forget(ctx context.Context, id string) error {
	return p.store.Apply(ctx, poisonCheckpoint, application.Checkpoint{}, func(tx application.ReadModelTx) error {
		return tx.Delete(ctx, PoisonCollection, id)
	})
}

// record builds the archive record of a message the poison middleware
// published.
func record(m *message.Message) PoisonRecord {
	handler := m.Metadata.Get(middleware.PoisonedHandlerKey)
	consumer, _, _ := strings.Cut(handler, "/")
	md := map[string]string{}
	for k, v := range m.Metadata {
		md[k] = v
	}
	payload := json.RawMessage(m.Payload)
	if !json.Valid(payload) {
		payload, _ = json.Marshal(string(m.Payload)) // a string always marshals
	}
	return PoisonRecord{
		ID: consumer + ":" + m.UUID, Consumer: consumer, Topic: m.Metadata.Get(middleware.PoisonedTopicKey),
		MessageID: m.UUID, EventType: m.Metadata.Get(MetaEventType), Error: m.Metadata.Get(middleware.ReasonForPoisonedKey),
		PoisonedAt: time.Now().UTC().Format(time.RFC3339Nano), Metadata: md, Payload: payload,
	}
}
