// Package pgtest gives tests the machine's PostgreSQL server and schemas of
// their own in it. Tests of several packages run at once against the one
// server, so every schema has a random name and is dropped at the end.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable that overrides the server's URL.
const EnvURL = "WEBOS_TEST_POSTGRES_URL"

// defaultURL is the server of the machines the tests run on (trust auth).
const defaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

var (
	probeOnce sync.Once
	probeErr  error
)

// URL returns the test server's URL. When the server does not answer, the
// test is skipped, or fails when CI is "true": CI makes sure it runs.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(EnvURL)
	if url == "" {
		url = defaultURL
	}
	probeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, url)
		if err == nil {
			err = conn.Close(ctx)
		}
		probeErr = err
	})
	if probeErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s (set %s to use another) does not answer: %v", url, EnvURL, probeErr)
		}
		t.Skipf("PostgreSQL does not answer (set %s, or run .ci/services): %v", EnvURL, probeErr)
	}
	return url
}

// Schema returns a new schema name, unique to this call, and drops that
// schema with everything in it when the test ends. The schema itself is
// not created: the code under test does that.
func Schema(t testing.TB, prefix string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := prefix + "_" + hex.EncodeToString(b)
	Drop(t, name)
	return name
}

// Drop drops schema, with everything in it, when the test ends.
func Drop(t testing.TB, schema string) {
	t.Helper()
	url := URL(t)
	t.Cleanup(func() { Exec(t, url, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE") })
}

// Exec runs sql on its own connection to url, failing the test on error.
func Exec(t testing.TB, url, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer func() { _ = conn.Close(ctx) }()
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("pgtest: %s: %v", sql, err)
	}
}
