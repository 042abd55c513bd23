package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/webos-engine/webos/domain"
)

// PreviousRelease migrates schema to the version before the newest, as
// the previous release left it, and appends events there the way that
// release did (one transaction, two round trips).
func PreviousRelease(ctx context.Context, url, schema, stream string, events []domain.Envelope) error {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := migrate(ctx, pool, schema, migrations[:len(migrations)-1]); err != nil {
		return err
	}
	s := &Store{pool: pool, cfg: config{schema: schema}, heads: newHeadCache()}
	for i := range events {
		events[i].StreamID = stream
	}
	return s.appendLocked(ctx, stream, domain.NoStream, events).err
}

// CachedHead returns the head s assumes stream has.
func CachedHead(s *Store, stream string) (version uint64, hash string, ok bool) {
	h, ok := s.heads.get(stream)
	return h.version, h.hash, ok
}
