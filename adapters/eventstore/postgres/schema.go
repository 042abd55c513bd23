package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations[i] takes the schema from version i to i+1. They run with
// search_path set to the store's schema. Append only: a released step
// never changes, since databases already ran it.
var migrations = []string{
	`CREATE TABLE events (
		position       bigint  PRIMARY KEY,
		xid            xid8    NOT NULL, -- the appending transaction; see doc.go
		stream_id      text    NOT NULL,
		version        bigint  NOT NULL CHECK (version >= 1),
		id             text    NOT NULL,
		type           text    NOT NULL,
		schema_version integer NOT NULL,
		recorded_at    text    NOT NULL, -- RFC 3339 with nanoseconds, UTC: timestamptz keeps microseconds only
		actor          text    NOT NULL,
		tenant         text    NOT NULL,
		correlation_id text    NOT NULL,
		causation_id   text    NOT NULL,
		trace_context  jsonb,            -- NULL when the envelope had none
		data           text    NOT NULL, -- the exact JSON bytes appended
		prev_hash      text    NOT NULL,
		hash           text    NOT NULL,
		CONSTRAINT events_id_unique UNIQUE (id),
		CONSTRAINT events_stream_version_unique UNIQUE (stream_id, version)
	);
	CREATE SEQUENCE events_position_seq AS bigint OWNED BY events.position;
	-- draw_positions hands out the positions of one append; see doc.go.
	-- The session lock is held only for the draw, never across the commit,
	-- and the function is one statement: it ends before the caller's
	-- INSERT can fail. A draw cut short by an error leaves the lock held,
	-- so the store drops any connection whose append failed unexpectedly.
	CREATE FUNCTION draw_positions(n integer)
	RETURNS TABLE (ord integer, pos bigint, tx xid8)
	LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
	DECLARE
		lock_key constant bigint := (x'7765626f'::bigint << 32) + 'events'::regclass::oid::bigint;
	BEGIN
		PERFORM pg_advisory_lock(lock_key);
		tx := pg_current_xact_id();
		FOR i IN 1..n LOOP
			ord := i;
			pos := nextval('events_position_seq');
			RETURN NEXT;
		END LOOP;
		PERFORM pg_advisory_unlock(lock_key);
	END $$;
	-- The store's identity (application.EventStore.StoreID), random and
	-- made once, with the store: derived stores compare it to theirs.
	CREATE TABLE meta (
		key   text PRIMARY KEY,
		value text NOT NULL
	);
	INSERT INTO meta (key, value) VALUES ('store_id', replace(gen_random_uuid()::text, '-', ''))`,
	// The feed horizon of doc.go: appends announce themselves with a
	// shared transaction lock taken before their xid, so that a feed read
	// waits for in-flight appends of this store only, not for every
	// transaction of the cluster.
	`CREATE OR REPLACE FUNCTION draw_positions(n integer)
	RETURNS TABLE (ord integer, pos bigint, tx xid8)
	LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
	DECLARE
		lock_key constant bigint := (x'7765626f'::bigint << 32) + 'events'::regclass::oid::bigint;
		append_key constant bigint := (x'77656261'::bigint << 32) + 'events'::regclass::oid::bigint;
	BEGIN
		PERFORM pg_advisory_lock(lock_key);
		PERFORM pg_advisory_xact_lock_shared(append_key);
		tx := pg_current_xact_id();
		FOR i IN 1..n LOOP
			ord := i;
			pos := nextval('events_position_seq');
			RETURN NEXT;
		END LOOP;
		PERFORM pg_advisory_unlock(lock_key);
	END $$;
	-- feed_horizon: every append of this store with an xid below the
	-- result has ended. It is xmax of this statement's snapshot, lowered
	-- to the oldest xid among the appends still holding the append lock.
	-- pg_locks shows xids in 32 bits: each is taken as the xid8 at most
	-- 2^31 below xmax with those low bits; one at or above xmax (assigned
	-- after the snapshot) is at least xmax and does not lower it.
	CREATE FUNCTION feed_horizon() RETURNS xid8
	LANGUAGE sql VOLATILE SET search_path FROM CURRENT AS $$
		WITH s AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax),
		holders AS (
			SELECT x.transactionid::text::bigint AS x32
			FROM pg_locks a JOIN pg_locks x ON x.virtualtransaction = a.virtualtransaction
			WHERE a.locktype = 'advisory' AND a.granted AND a.objsubid = 1
				AND a.database = (SELECT oid FROM pg_database WHERE datname = current_database())
				AND a.classid = x'77656261'::bigint::oid AND a.objid = 'events'::regclass::oid
				AND x.locktype = 'transactionid' AND x.mode = 'ExclusiveLock' AND x.granted),
		below AS (
			SELECT ((s.xmax % 4294967296) - h.x32 + 4294967296) % 4294967296 AS d
			FROM s, holders h)
		SELECT (s.xmax - COALESCE((SELECT max(d) FROM below WHERE d BETWEEN 1 AND 2147483648), 0))::text::xid8
		FROM s
	$$;
	-- read_feed and feed_head take the horizon in one statement and read
	-- in the next, whose snapshot is later: see doc.go.
	CREATE FUNCTION read_feed(after bigint, lim bigint) RETURNS SETOF events
	LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
	DECLARE
		h constant xid8 := feed_horizon();
	BEGIN
		RETURN QUERY SELECT * FROM events
			WHERE position > after AND xid < greatest(h, pg_snapshot_xmin(pg_current_snapshot()))
			ORDER BY position LIMIT lim;
	END $$;
	CREATE FUNCTION feed_head() RETURNS bigint
	LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
	DECLARE
		h constant xid8 := feed_horizon();
	BEGIN
		RETURN COALESCE((SELECT position FROM events
			WHERE xid < greatest(h, pg_snapshot_xmin(pg_current_snapshot()))
			ORDER BY position DESC LIMIT 1), 0);
	END $$`,
	// application.CheckpointStore: where each feed consumer that is not a
	// projection stands, kept beside the events it refers to.
	`CREATE TABLE checkpoints (
		consumer text   PRIMARY KEY,
		store_id text   NOT NULL,
		position bigint NOT NULL CHECK (position >= 0),
		hash     text   NOT NULL
	)`,
	// draw_positions takes an append's positions as one block: nextval
	// for the first, setval past the last. Only draws move the sequence,
	// and they hold the draw lock, so the block is the append's alone. A
	// row-by-row nextval loop cost about 3 µs per event on the server,
	// the block 1.2 µs (docs/benchmarks.md).
	`CREATE OR REPLACE FUNCTION draw_positions(n integer)
	RETURNS TABLE (ord integer, pos bigint, tx xid8)
	LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
	DECLARE
		lock_key constant bigint := (x'7765626f'::bigint << 32) + 'events'::regclass::oid::bigint;
		append_key constant bigint := (x'77656261'::bigint << 32) + 'events'::regclass::oid::bigint;
		first bigint;
	BEGIN
		PERFORM pg_advisory_lock(lock_key);
		PERFORM pg_advisory_xact_lock_shared(append_key);
		tx := pg_current_xact_id();
		first := nextval('events_position_seq');
		IF n > 1 THEN
			PERFORM setval('events_position_seq', first + n - 1);
		END IF;
		PERFORM pg_advisory_unlock(lock_key);
		RETURN QUERY SELECT i, first + i - 1, tx FROM generate_series(1, n) AS i;
	END $$`,
	// append_events is an append in one statement, so one round trip in
	// autocommit: take the stream lock (the key of streamLockSQL), read
	// the head, and only if it is the one the caller chained its events
	// on, draw their positions and insert them as insertSQL does. It
	// returns (version, position) by event, or one row with the real
	// head (version, hash) and a NULL position when the caller's head was
	// wrong; then nothing is written. Under READ COMMITTED each statement of
	// a VOLATILE function has a new snapshot: the head read after the lock
	// sees the commit of every append that held the lock before.
	`CREATE FUNCTION append_events(lock_name text, stream text, head_version bigint, head_hash text,
		versions bigint[], ids text[], types text[], schema_versions integer[], recorded_ats text[],
		actors text[], tenants text[], correlation_ids text[], causation_ids text[], trace_contexts text[],
		datas text[], prev_hashes text[], hashes text[])
	RETURNS TABLE (out_version bigint, out_position bigint, out_hash text)
	LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
	DECLARE
		v bigint;
		h text;
	BEGIN
		PERFORM pg_advisory_xact_lock(hashtextextended(lock_name, 0));
		SELECT e.version, e.hash INTO v, h FROM events e WHERE e.stream_id = stream ORDER BY e.version DESC LIMIT 1;
		IF NOT FOUND THEN
			v := 0;
			h := '';
		END IF;
		IF v <> head_version OR h <> head_hash THEN
			RETURN QUERY SELECT v, NULL::bigint, h;
			RETURN;
		END IF;
		RETURN QUERY WITH ins AS (
			INSERT INTO events (position, xid, stream_id, version, id, type, schema_version,
				recorded_at, actor, tenant, correlation_id, causation_id, trace_context, data, prev_hash, hash)
			SELECT d.pos, d.tx, stream, e.version, e.id, e.type, e.schema_version,
				e.recorded_at, e.actor, e.tenant, e.correlation_id, e.causation_id, e.trace_context::jsonb, e.data, e.prev_hash, e.hash
			FROM draw_positions(cardinality(versions)) AS d
			JOIN unnest(versions, ids, types, schema_versions, recorded_ats, actors, tenants,
					correlation_ids, causation_ids, trace_contexts, datas, prev_hashes, hashes)
				WITH ORDINALITY AS e(version, id, type, schema_version, recorded_at, actor, tenant,
					correlation_id, causation_id, trace_context, data, prev_hash, hash, ord)
				ON e.ord = d.ord
			RETURNING events.version, events.position)
		SELECT ins.version, ins.position, NULL::text FROM ins;
	END $$`,
	// append_events with the draw of draw_positions inlined: positions
	// first..first+n-1 computed beside the unnest instead of joined from a
	// set-returning function, and the lock keys computed once per session
	// plan. The same locks, in the same order, are taken and released:
	// the draw lock is released before the insert can fail. It made the
	// one-event append's server time about that of a plain INSERT
	// (docs/benchmarks.md).
	`CREATE OR REPLACE FUNCTION append_events(lock_name text, stream text, head_version bigint, head_hash text,
		versions bigint[], ids text[], types text[], schema_versions integer[], recorded_ats text[],
		actors text[], tenants text[], correlation_ids text[], causation_ids text[], trace_contexts text[],
		datas text[], prev_hashes text[], hashes text[])
	RETURNS TABLE (out_version bigint, out_position bigint, out_hash text)
	LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
	DECLARE
		lock_key constant bigint := (x'7765626f'::bigint << 32) + 'events'::regclass::oid::bigint;
		append_key constant bigint := (x'77656261'::bigint << 32) + 'events'::regclass::oid::bigint;
		n constant integer := cardinality(versions);
		v bigint;
		h text;
		tx xid8;
		first bigint;
	BEGIN
		PERFORM pg_advisory_xact_lock(hashtextextended(lock_name, 0));
		SELECT e.version, e.hash INTO v, h FROM events e WHERE e.stream_id = stream ORDER BY e.version DESC LIMIT 1;
		IF NOT FOUND THEN
			v := 0;
			h := '';
		END IF;
		IF v <> head_version OR h <> head_hash THEN
			RETURN QUERY SELECT v, NULL::bigint, h;
			RETURN;
		END IF;
		PERFORM pg_advisory_lock(lock_key);
		PERFORM pg_advisory_xact_lock_shared(append_key);
		tx := pg_current_xact_id();
		first := nextval('events_position_seq');
		IF n > 1 THEN
			PERFORM setval('events_position_seq', first + n - 1);
		END IF;
		PERFORM pg_advisory_unlock(lock_key);
		IF n = 1 THEN
			RETURN QUERY INSERT INTO events (position, xid, stream_id, version, id, type, schema_version,
				recorded_at, actor, tenant, correlation_id, causation_id, trace_context, data, prev_hash, hash)
			VALUES (first, tx, stream, versions[1], ids[1], types[1], schema_versions[1], recorded_ats[1],
				actors[1], tenants[1], correlation_ids[1], causation_ids[1], trace_contexts[1]::jsonb, datas[1],
				prev_hashes[1], hashes[1])
			RETURNING events.version, events.position, NULL::text;
			RETURN;
		END IF;
		RETURN QUERY INSERT INTO events (position, xid, stream_id, version, id, type, schema_version,
			recorded_at, actor, tenant, correlation_id, causation_id, trace_context, data, prev_hash, hash)
		SELECT first + e.ord - 1, tx, stream, e.version, e.id, e.type, e.schema_version,
			e.recorded_at, e.actor, e.tenant, e.correlation_id, e.causation_id, e.trace_context::jsonb, e.data, e.prev_hash, e.hash
		FROM unnest(versions, ids, types, schema_versions, recorded_ats, actors, tenants,
				correlation_ids, causation_ids, trace_contexts, datas, prev_hashes, hashes)
			WITH ORDINALITY AS e(version, id, type, schema_version, recorded_at, actor, tenant,
				correlation_id, causation_id, trace_context, data, prev_hash, hash, ord)
		RETURNING events.version, events.position, NULL::text;
	END $$`,
}

// migrate creates the schema if needed and runs the steps (migrations, or
// the first of them) it lacks, in one
// transaction under an advisory lock named after the schema, so two
// processes starting at once cannot both run a step. A schema written by a
// newer binary is refused rather than misread.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string, steps []string) (err error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, tx.Rollback(context.WithoutCancel(ctx)))
		}
	}()
	// hashtextextended is PostgreSQL's own 64-bit text hash.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('webos event store migrations: ' || $1, 0))", schema); err != nil {
		return err
	}
	stmts := []string{
		"CREATE SCHEMA IF NOT EXISTS " + pgx.Identifier{schema}.Sanitize(),
		"CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
	}
	for _, stmt := range stmts {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return err
		}
	}
	var version int
	if err := tx.QueryRow(ctx, "SELECT COALESCE(max(version), 0) FROM schema_migrations").Scan(&version); err != nil {
		return err
	}
	if version > len(steps) {
		return fmt.Errorf("schema %q is at version %d, newer than this program knows (%d)", schema, version, len(steps))
	}
	for i := version; i < len(steps); i++ {
		if _, err := tx.Exec(ctx, steps[i]); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", i+1); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}
