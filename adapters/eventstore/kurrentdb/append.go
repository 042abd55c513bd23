package kurrentdb

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/webos-engine/webos/adapters/eventstore/internal/esinput"
	"github.com/webos-engine/webos/domain"
)

// Append adds events to stream if its version matches expected; see the
// package doc for how, and application.EventStore for the contract.
func (s *Store) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, error) {
	if err := esinput.Validate(stream, expected, events); err != nil {
		return nil, err
	}
	if err := s.usable(ctx); err != nil || len(events) == 0 {
		return nil, err
	}
	seen := make(map[string]bool, len(events))
	for _, e := range events {
		if seen[e.ID] {
			return nil, duplicate(e.ID)
		}
		seen[e.ID] = true
	}
	for attempt := 1; ; attempt++ {
		out, lost, err := s.tryAppend(ctx, stream, expected, events)
		if !lost {
			return out, err
		}
		// AnyVersion lost a race: chain onto the new last event.
		pause := time.Duration(rand.Int64N(int64(min(attempt, 20)) * int64(time.Millisecond)))
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.done:
			return nil, ErrClosed
		}
	}
}

func duplicate(id string) error {
	return domain.Errorf(domain.KindConflict, "duplicate_event", "event %s is already stored", id)
}

// tryAppend makes one attempt; lost reports that an AnyVersion append met
// a concurrent writer and should be tried again.
func (s *Store) tryAppend(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) (out []domain.Envelope, lost bool, err error) {
	defer s.heads.lock(stream)()
	h, err := s.head(ctx, stream, expected)
	if err != nil {
		return nil, false, err
	}
	if !expected.Matches(h.version) {
		return nil, false, domain.VersionConflict(stream, expected, h.version)
	}
	out = make([]domain.Envelope, len(events))
	for i, e := range events {
		out[i] = e
		out[i].Data = bytes.Clone(e.Data)
		out[i].TraceContext = maps.Clone(e.TraceContext)
		out[i].StreamID = stream
	}
	if err := domain.Chain(h.version, h.hash, out); err != nil {
		return nil, false, domain.Invalid(err.Error())
	}
	reqs, err := s.requests(stream, h.version, out)
	if err != nil {
		return nil, false, domain.Invalid(err.Error())
	}
	c, err := s.conn()
	if err != nil {
		return nil, false, err
	}
	if _, err := c.MultiStreamAppend(ctx, slices.Values(reqs)); err != nil {
		switch cs := conflictStream(err); {
		case cs == s.n.stream(stream) && expected == domain.AnyVersion:
			_, err := s.last(ctx, stream) // refresh the cached head
			return nil, err == nil, err
		case cs == s.n.stream(stream):
			now, verr := s.last(ctx, stream)
			if verr != nil {
				return nil, false, verr
			}
			return nil, false, domain.VersionConflict(stream, expected, now.version)
		case strings.HasPrefix(cs, s.n.indexPrefix()):
			return nil, false, duplicate(strings.TrimPrefix(cs, s.n.indexPrefix()))
		}
		return nil, false, s.fail(ctx, c, err)
	}
	last := out[len(out)-1]
	s.heads.put(stream, head{version: last.StreamVersion, hash: last.Hash})
	return out, false, s.positions(ctx, stream, out)
}

// head is the stream head to chain onto: the cached one when it can
// decide (see heads), the server's otherwise.
func (s *Store) head(ctx context.Context, stream string, expected domain.ExpectedVersion) (head, error) {
	h, ok := s.heads.get(stream)
	if ok && (expected == domain.AnyVersion || uint64(expected) <= h.version) {
		return h, nil
	}
	return s.last(ctx, stream)
}

// requests is the multi-stream append of chained events: the events at
// the exact revision they were chained onto, and one index event each.
func (s *Store) requests(stream string, current uint64, out []domain.Envelope) ([]kurrentdb.AppendStreamRequest, error) {
	data := make([]kurrentdb.EventData, len(out))
	for i := range out {
		ev, err := s.n.encode(&out[i])
		if err != nil {
			return nil, err
		}
		data[i] = ev
	}
	var state kurrentdb.StreamState = kurrentdb.NoStream{}
	if current > 0 {
		state = kurrentdb.StreamRevision{Value: current - 1}
	}
	reqs := make([]kurrentdb.AppendStreamRequest, 0, 1+len(out))
	reqs = append(reqs, kurrentdb.AppendStreamRequest{StreamName: s.n.stream(stream), Events: slices.Values(data), ExpectedStreamState: state})
	for i := range out {
		reqs = append(reqs, kurrentdb.AppendStreamRequest{
			StreamName: s.n.index(out[i].ID), Events: slices.Values([]kurrentdb.EventData{s.n.indexEvent(&out[i])}),
			ExpectedStreamState: kurrentdb.NoStream{},
		})
	}
	return reqs, nil
}

// positions reads the appended events back and copies their positions.
func (s *Store) positions(ctx context.Context, stream string, out []domain.Envelope) error {
	got, err := s.ReadStream(ctx, stream, out[0].StreamVersion, 0, len(out))
	if err != nil {
		return err
	}
	if len(got) != len(out) {
		return fmt.Errorf("kurrentdb: %d events appended to %s but %d read back", len(out), stream, len(got))
	}
	for i := range out {
		if got[i].ID != out[i].ID {
			return fmt.Errorf("kurrentdb: %s version %d holds %s, not the appended %s", stream, out[i].StreamVersion, got[i].ID, out[i].ID)
		}
		out[i].Position = got[i].Position
	}
	return nil
}

// readHead reads the stream's head from the server and caches it; last
// shares it between concurrent callers.
func (s *Store) readHead(ctx context.Context, stream string) (head, error) {
	evs, err := s.readStream(ctx, s.n.stream(stream), kurrentdb.End{}, kurrentdb.Backwards, 1)
	if err != nil || len(evs) == 0 {
		return head{}, err
	}
	e, err := s.n.decode(evs[0])
	if err != nil {
		return head{}, err
	}
	h := head{version: e.StreamVersion, hash: e.Hash}
	s.heads.put(stream, h)
	return h, nil
}
