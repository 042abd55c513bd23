package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/adapters/eventstore/sqlite/sqlitetest"
	"github.com/webos-engine/webos/domain"
)

// events returns n events with ids unique under prefix.
func events(prefix string, n int) []domain.Envelope {
	out := make([]domain.Envelope, n)
	for i := range out {
		out[i] = domain.Envelope{
			ID: fmt.Sprintf("%s-%d", prefix, i), Type: "test.Happened", SchemaVersion: 1,
			RecordedAt: time.Now(), TraceContext: map[string]string{"traceparent": "00-1-2-01"},
			Data: json.RawMessage(fmt.Sprintf(`{"i": %d}`, i)),
		}
	}
	return out
}

func TestReopenKeepsEverything(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stream := range []string{"a", "b"} {
		if _, err := s.Append(ctx, stream, domain.NoStream, events(stream, 3)); err != nil {
			t.Fatal(err)
		}
	}
	before, err := s.ReadAll(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, s)
	after, err := s.ReadAll(ctx, 0, 0)
	if err != nil || len(before) != 6 || !reflect.DeepEqual(after, before) {
		t.Fatalf("after reopen read %d events (%v), want the %d written", len(after), err, len(before))
	}
	next, err := s.Append(ctx, "a", 3, events("a2", 1))
	if err != nil || next[0].StreamVersion != 4 || next[0].Position != 7 || next[0].PrevHash != before[2].Hash {
		t.Fatalf("append after reopen: %+v, %v", next, err)
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustClose(t, s)
	sqlitetest.Exec(t, path, "PRAGMA user_version = 99")
	if s, err := sqlite.Open(path); err == nil {
		mustClose(t, s)
		t.Fatal("opened a database with a newer schema")
	}
}

func TestOpenOptions(t *testing.T) {
	dir := t.TempDir()
	if _, err := sqlite.Open(filepath.Join(dir, "a.db"), sqlite.WithSynchronous("OFF")); err == nil {
		t.Fatal("opened with synchronous=OFF")
	}
	if _, err := sqlite.Open(filepath.Join(dir, "what?.db")); err == nil {
		t.Fatal("opened a path with a '?'")
	}
	s, err := sqlite.Open(filepath.Join(dir, "b.db"), sqlite.WithSynchronous(sqlite.SyncNormal),
		sqlite.WithReadConns(1), sqlite.WithBusyTimeout(time.Second), sqlite.WithPollInterval(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, s)
	if _, err := s.Append(context.Background(), "a", domain.NoStream, events("opt", 2)); err != nil {
		t.Fatal(err)
	}
}
