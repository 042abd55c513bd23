package sqlite

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkRawInsert is the baseline for BenchmarkAppendSingle: the same
// table, pragmas and row, inserted with plain database/sql, one row per
// transaction, without head lookup, hashing or the writer goroutine.
func BenchmarkRawInsert(b *testing.B) {
	path := filepath.Join(b.TempDir(), "raw.db")
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := db.Close(); err != nil {
			b.Error(err)
		}
	}()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(migrations[0]); err != nil {
		b.Fatal(err)
	}
	insert, err := db.Prepare(insertSQL)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := insert.Close(); err != nil {
			b.Error(err)
		}
	}()
	start := cpuTime()
	for i := 0; b.Loop(); i++ {
		e := benchEvents(1)[0]
		trace, _ := json.Marshal(e.TraceContext)
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		_, err = tx.Stmt(insert).Exec("raw", i+1, e.ID, e.Type, e.SchemaVersion, e.RecordedAt.UTC().Format(time.RFC3339Nano),
			e.Actor, e.Tenant, e.CorrelationID, e.CausationID, string(trace), string(e.Data), "", "h")
		if err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	rate(b, b.N, start)
}
