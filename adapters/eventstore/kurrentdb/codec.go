package kurrentdb

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/webos-engine/webos/domain"
)

// idSpace is the UUID namespace of the name-based event ids.
var idSpace = uuid.MustParse("5b0c6a8e-3f4e-4a53-9d4e-7765626f7331")

// names maps engine names to KurrentDB stream names within a namespace.
type names struct{ ns string }

func (n names) stream(s string) string     { return n.ns + ":" + s }
func (n names) domainPrefix() string       { return n.ns + ":" }
func (n names) index(id string) string     { return n.indexPrefix() + id }
func (n names) indexPrefix() string        { return n.ns + "-id:" }
func (n names) storeStream() string        { return n.ns + "-store" }
func (n names) checkpoint(c string) string { return n.ns + "-checkpoint:" + c }
func (n names) ours(stream string) bool    { return strings.HasPrefix(stream, n.domainPrefix()) }

// eventUUID is the KurrentDB event id of an engine event (what: "e" for
// the event, "i" for its index record).
func (n names) eventUUID(what, id string) uuid.UUID {
	return uuid.NewSHA1(idSpace, []byte(n.ns+"\x00"+what+"\x00"+id))
}

// Metadata keys of an engine event.
const (
	keyID            = "id"
	keySchemaVersion = "schemaVersion"
	keyRecordedAt    = "recordedAt"
	keyActor         = "actor"
	keyTenant        = "tenant"
	keyCorrelation   = "correlationId"
	keyCausation     = "causationId"
	keyTrace         = "traceContext"
	keyPrevHash      = "prevHash"
	keyHash          = "hash"
)

// encode turns a chained envelope into the event KurrentDB stores.
func (n names) encode(e *domain.Envelope) (kurrentdb.EventData, error) {
	meta := map[string]string{
		keyID: e.ID, keySchemaVersion: strconv.Itoa(e.SchemaVersion),
		keyRecordedAt: e.RecordedAt.UTC().Format(time.RFC3339Nano),
		keyPrevHash:   e.PrevHash, keyHash: e.Hash,
	}
	for k, v := range map[string]string{keyActor: e.Actor, keyTenant: e.Tenant, keyCorrelation: e.CorrelationID, keyCausation: e.CausationID} {
		if v != "" {
			meta[k] = v
		}
	}
	if e.TraceContext != nil {
		tc, err := json.Marshal(e.TraceContext)
		if err != nil {
			return kurrentdb.EventData{}, err
		}
		meta[keyTrace] = string(tc)
	}
	raw, err := json.Marshal(meta)
	if err != nil {
		return kurrentdb.EventData{}, err
	}
	return kurrentdb.EventData{
		EventID: n.eventUUID("e", e.ID), EventType: e.Type, ContentType: kurrentdb.ContentTypeJson,
		Data: e.Data, Metadata: raw,
	}, nil
}

// decode turns a stored engine event back into its envelope.
func (n names) decode(r *kurrentdb.RecordedEvent) (domain.Envelope, error) {
	if r.Position.Commit != r.Position.Prepare {
		return domain.Envelope{}, fmt.Errorf("kurrentdb: event %d of %s has commit position %d but prepare position %d: events written in explicit transactions are not supported",
			r.EventNumber, r.StreamID, r.Position.Commit, r.Position.Prepare)
	}
	var meta map[string]any
	if err := json.Unmarshal(r.UserMetadata, &meta); err != nil {
		return domain.Envelope{}, fmt.Errorf("kurrentdb: event %d of %s: metadata: %w", r.EventNumber, r.StreamID, err)
	}
	str := func(k string) string { s, _ := meta[k].(string); return s }
	e := domain.Envelope{
		ID: str(keyID), Type: r.EventType,
		StreamID: strings.TrimPrefix(r.StreamID, n.domainPrefix()), StreamVersion: r.EventNumber + 1,
		Position: r.Position.Commit,
		Actor:    str(keyActor), Tenant: str(keyTenant), CorrelationID: str(keyCorrelation), CausationID: str(keyCausation),
		Data: json.RawMessage(r.Data), PrevHash: str(keyPrevHash), Hash: str(keyHash),
	}
	var err error
	if e.SchemaVersion, err = strconv.Atoi(str(keySchemaVersion)); err != nil {
		return domain.Envelope{}, fmt.Errorf("kurrentdb: event %s: schema version: %w", e.ID, err)
	}
	if e.RecordedAt, err = time.Parse(time.RFC3339Nano, str(keyRecordedAt)); err != nil {
		return domain.Envelope{}, fmt.Errorf("kurrentdb: event %s: recorded at: %w", e.ID, err)
	}
	e.RecordedAt = e.RecordedAt.UTC()
	if tc, ok := meta[keyTrace].(string); ok {
		if err := json.Unmarshal([]byte(tc), &e.TraceContext); err != nil {
			return domain.Envelope{}, fmt.Errorf("kurrentdb: event %s: trace context: %w", e.ID, err)
		}
	}
	if e.ID == "" {
		return domain.Envelope{}, fmt.Errorf("kurrentdb: event %d of %s has no engine id in its metadata", r.EventNumber, r.StreamID)
	}
	return e, nil
}

// pointer is the data of an index event: where the event with that id is.
type pointer struct {
	Stream  string `json:"stream"`
	Version uint64 `json:"version"`
}

// indexEvent is the index record of a chained envelope.
func (n names) indexEvent(e *domain.Envelope) kurrentdb.EventData {
	data, _ := json.Marshal(pointer{Stream: e.StreamID, Version: e.StreamVersion})
	return kurrentdb.EventData{
		EventID: n.eventUUID("i", e.ID), EventType: "webos.EventIndexed", ContentType: kurrentdb.ContentTypeJson, Data: data,
	}
}
