package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/kurrentdb"
	"github.com/webos-engine/webos/adapters/eventstore/postgres"
	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/adapters/sqlitefile"
	"github.com/webos-engine/webos/application"
)

// eventStoreUsage is the help text of --eventstore.
const eventStoreUsage = "`URL` of the event store: sqlite://PATH, postgres://USER@HOST:PORT/DB " +
	"(postgresql:// too; ?schema=NAME, default webos), or kurrentdb://HOST:2113?tls=false (esdb:// too; " +
	"KurrentDB 25.1 or later; &namespace=NAME, default webos); empty: sqlite:// on events.db in the data dir"

// eventStoreTarget is a parsed --eventstore value.
type eventStoreTarget struct {
	scheme string // "sqlite", "postgres" or "kurrentdb"
	path   string // the SQLite file
	url    string // the PostgreSQL or KurrentDB URL, as given
}

// eventStoreURL is the value of --eventstore (WEBOS_EVENTSTORE). Empty
// means sqlite:// on events.db in the data dir.
type eventStoreURL string

func (u *eventStoreURL) String() string { return string(*u) }

// Set accepts a URL of a known scheme (parseEventStore); whether the
// store answers is checked when it opens.
func (u *eventStoreURL) Set(v string) error {
	if _, err := parseEventStore(v, ""); err != nil {
		return err
	}
	*u = eventStoreURL(v)
	return nil
}

// parseEventStore parses an --eventstore value. The error of an unknown
// scheme shows the scheme only: the rest of a URL may hold a password.
func parseEventStore(raw, dataDir string) (eventStoreTarget, error) {
	if raw == "" {
		return eventStoreTarget{scheme: "sqlite", path: filepath.Join(dataDir, "events.db")}, nil
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	switch {
	case !ok:
		return eventStoreTarget{}, errors.New("must be a URL such as sqlite://PATH or postgres://HOST/DB")
	case scheme == "sqlite" && rest == "":
		return eventStoreTarget{}, errors.New("sqlite:// needs a file path, e.g. sqlite://data/events.db")
	case scheme == "sqlite":
		return eventStoreTarget{scheme: scheme, path: rest}, nil
	case scheme == "postgres" || scheme == "postgresql":
		return eventStoreTarget{scheme: "postgres", url: raw}, nil
	case kurrentSchemes[scheme]:
		return eventStoreTarget{scheme: "kurrentdb", url: raw}, nil
	}
	return eventStoreTarget{}, fmt.Errorf("unknown scheme %q; use sqlite://, postgres:// or kurrentdb://", scheme)
}

// kurrentSchemes are the schemes of the KurrentDB client's connection
// strings (esdb:// is EventStoreDB's, which KurrentDB continues).
var kurrentSchemes = map[string]bool{
	"kurrentdb": true, "kurrentdb+discover": true, "esdb": true, "esdb+discover": true,
	"kurrent": true, "kurrent+discover": true, "kdb": true, "kdb+discover": true,
}

// kurrentDialTimeout bounds the first contact with a KurrentDB server, so
// an unreachable one stops the program instead of hanging it.
const kurrentDialTimeout = 5 * time.Second

// open opens the event store for the engine, migrating its schema; log
// gets what the store reports later (a KurrentDB subscription dropped and
// made again, say).
func (t eventStoreTarget) open(ctx context.Context, log *slog.Logger) (application.EventStore, error) {
	switch t.scheme {
	case "postgres":
		return nonNil(postgres.Open(ctx, t.url))
	case "kurrentdb":
		return nonNil(kurrentdb.Open(ctx, t.url, kurrentdb.Options{DialTimeout: kurrentDialTimeout, Logger: log}))
	}
	s, err := sqlite.Open(t.path)
	if err != nil && sqlitefile.Damaged(err) {
		return nil, fmt.Errorf("%w\nthe event store %s is damaged; it is the source of truth, so webos never moves or rebuilds it: "+
			"stop here and restore %s from a backup (the other files of the data dir are rebuilt from it)", err, t.path, filepath.Base(t.path))
	}
	return nonNil(s, err)
}

// nonNil returns a nil interface, not one holding a nil pointer, on error.
func nonNil[S application.EventStore](s S, err error) (application.EventStore, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

// openAudit opens the event store for an auditor's tool. A SQLite file is
// opened read-only: the tool never changes the evidence.
// PostgreSQL and KurrentDB are opened through the port like the engine does (a schema
// behind this program's version is migrated, which never touches events).
func (t eventStoreTarget) openAudit(ctx context.Context) (application.EventStore, error) {
	switch t.scheme {
	case "postgres":
		return nonNil(postgres.Open(ctx, t.url))
	case "kurrentdb":
		return nonNil(kurrentdb.Open(ctx, t.url, kurrentdb.Options{DialTimeout: kurrentDialTimeout}))
	}
	s, err := sqlite.OpenReadOnly(t.path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.path, err)
	}
	return s, nil
}
