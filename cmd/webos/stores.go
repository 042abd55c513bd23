package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	snapsqlite "github.com/webos-engine/webos/adapters/snapshot/sqlite"
	"github.com/webos-engine/webos/adapters/sqlitefile"
	"github.com/webos-engine/webos/application"
)

// stores are the three databases of a data dir (the read models may live
// elsewhere: --readmodels).
type stores struct {
	events    application.EventStore
	models    application.ReadModelStore
	snapshots *snapsqlite.Store
}

// openStores opens the stores c names: the event store (--eventstore),
// the read models (--readmodels) and the data dir's snapshots. The event
// store is the source of truth: a damaged one is refused, never touched.
// The other two are derived from it: a damaged one is moved aside (kept,
// for a post mortem) and started afresh, and projections rebuild it;
// snapshots taken from another event store are dropped. Every error names
// its file or server.
func openStores(ctx context.Context, c commonFlags, log *slog.Logger) (st stores, err error) {
	dataDir := c.dataDir
	defer func() {
		if err != nil {
			err = errors.Join(err, st.close())
		}
	}()
	target, err := parseEventStore(string(c.eventStore), dataDir)
	if err != nil {
		return st, err
	}
	if st.events, err = target.open(ctx, log); err != nil {
		return st, err
	}
	if st.models, err = openReadModels(ctx, c, log); err != nil {
		return st, err
	}
	path := filepath.Join(dataDir, "snapshots.db")
	if st.snapshots, err = openDerived(path, snapsqlite.Open, log); err != nil {
		return st, err
	}
	id, err := st.events.StoreID(ctx)
	if err != nil {
		return st, err
	}
	n, err := st.snapshots.Claim(ctx, id)
	if err != nil {
		return st, fmt.Errorf("sqlite snapshots %s: %w", path, err)
	}
	if n > 0 {
		log.Warn("snapshots were taken from another event store (or before stores had ids); discarded them",
			"file", path, "discarded", n, "event_store_id", id)
	}
	return st, nil
}

// openDerived opens the derived database at path. If the file is damaged
// it is moved aside, with a warning naming both files, and a fresh one is
// opened in its place.
func openDerived[S any](path string, open func(string) (S, error), log *slog.Logger) (S, error) {
	s, err := open(path)
	if err == nil || !sqlitefile.Damaged(err) {
		return s, err
	}
	aside, merr := sqlitefile.MoveAside(path, time.Now())
	if merr != nil {
		return s, fmt.Errorf("%w (%s: %w)", err, path, merr)
	}
	log.Warn("a derived database was damaged; moved it aside and starting a fresh one, rebuilt from the event store",
		"file", path, "moved_to", aside, "error", err)
	return open(path)
}

// close closes whichever stores are open.
func (st stores) close() error {
	var errs []error
	if st.events != nil {
		errs = append(errs, st.events.Close())
	}
	if st.models != nil {
		errs = append(errs, st.models.Close())
	}
	if st.snapshots != nil {
		errs = append(errs, st.snapshots.Close())
	}
	return errors.Join(errs...)
}
