package kurrentdb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// allPage is how many $all records one read asks for.
const allPage = 512

// ReadStream returns up to limit events of stream; see
// application.EventStore.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64, dir application.Direction, limit int) ([]domain.Envelope, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	count := uint64(1) << 62 // "all": the server streams the answer
	if limit > 0 {
		count = uint64(limit)
	}
	var start kurrentdb.StreamPosition = kurrentdb.Start{}
	d := kurrentdb.Forwards
	switch {
	case dir == application.Backward && from == 0:
		start, d = kurrentdb.End{}, kurrentdb.Backwards
	case dir == application.Backward:
		start, d = kurrentdb.StreamRevision{Value: from - 1}, kurrentdb.Backwards
	case from > 1:
		start = kurrentdb.StreamRevision{Value: from - 1}
	}
	evs, err := s.readStream(ctx, s.n.stream(stream), start, d, count)
	if err != nil {
		return nil, err
	}
	return s.decodeAll(evs)
}

func (s *Store) decodeAll(evs []*kurrentdb.RecordedEvent) ([]domain.Envelope, error) {
	out := make([]domain.Envelope, len(evs))
	for i, ev := range evs {
		e, err := s.n.decode(ev)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// EventByID follows the id's index stream to the event; see the package
// doc.
func (s *Store) EventByID(ctx context.Context, id string) (domain.Envelope, bool, error) {
	if err := s.usable(ctx); err != nil {
		return domain.Envelope{}, false, err
	}
	idx, err := s.readStream(ctx, s.n.index(id), kurrentdb.Start{}, kurrentdb.Forwards, 1)
	if err != nil || len(idx) == 0 {
		return domain.Envelope{}, false, err
	}
	var p pointer
	if err := json.Unmarshal(idx[0].Data, &p); err != nil || p.Version == 0 {
		return domain.Envelope{}, false, fmt.Errorf("kurrentdb: index of event %s is not a pointer", id)
	}
	got, err := s.ReadStream(ctx, p.Stream, p.Version, application.Forward, 1)
	if err != nil {
		return domain.Envelope{}, false, err
	}
	if len(got) != 1 || got[0].ID != id {
		return domain.Envelope{}, false, fmt.Errorf("kurrentdb: index of event %s points at %s version %d, which does not hold it", id, p.Stream, p.Version)
	}
	return got[0], true, nil
}

// StreamVersion returns the version of the stream's last event, 0 if none.
func (s *Store) StreamVersion(ctx context.Context, stream string) (uint64, error) {
	if err := s.usable(ctx); err != nil {
		return 0, err
	}
	h, err := s.last(ctx, stream)
	return h.version, err
}

// ReadAll returns up to limit events of the store's streams with a
// position greater than after, reading $all from there in pages and
// skipping every other record.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	from := max(after, s.origin)
	var out []domain.Envelope
	for {
		page, err := s.readAll(ctx, kurrentdb.Position{Commit: from, Prepare: from}, kurrentdb.Forwards, allPage)
		if err != nil {
			return nil, err
		}
		for _, ev := range page {
			if ev.Position.Commit <= from {
				continue // reading forwards from a position includes it
			}
			from = ev.Position.Commit
			if !s.n.ours(ev.StreamID) {
				continue
			}
			e, err := s.n.decode(ev)
			if err != nil {
				return nil, err
			}
			if out = append(out, e); limit > 0 && len(out) == limit {
				return out, nil
			}
		}
		if len(page) < allPage {
			return out, nil
		}
	}
}

// Head returns the position of the store's last event, 0 if none,
// reading $all backwards to the first of the store's records. The pages
// start small and grow: the last record is usually the index record of
// the store's last append, a few records after its last event.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	if err := s.usable(ctx); err != nil {
		return 0, err
	}
	var at kurrentdb.AllPosition = kurrentdb.End{}
	for size := uint64(16); ; size = min(4*size, allPage) {
		page, err := s.readAll(ctx, at, kurrentdb.Backwards, size)
		if err != nil {
			return 0, err
		}
		for _, ev := range page {
			if ev.Position.Commit <= s.origin {
				return 0, nil
			}
			if s.n.ours(ev.StreamID) {
				return ev.Position.Commit, nil
			}
		}
		if uint64(len(page)) < size {
			return 0, nil
		}
		at = page[len(page)-1].Position
	}
}

// readAll reads one page of $all.
func (s *Store) readAll(ctx context.Context, from kurrentdb.AllPosition, dir kurrentdb.Direction, count uint64) ([]*kurrentdb.RecordedEvent, error) {
	c, err := s.conn()
	if err != nil {
		return nil, err
	}
	rs, err := c.ReadAll(ctx, kurrentdb.ReadAllOptions{Direction: dir, From: from}, count)
	if err != nil {
		return nil, s.fail(ctx, c, err)
	}
	out, err := drain(rs)
	if err != nil {
		return nil, s.fail(ctx, c, err)
	}
	return out, nil
}
