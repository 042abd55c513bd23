package application

import (
	"context"
	"fmt"

	"github.com/webos-engine/webos/domain"
)

// sameAsFeed reads one stream on its own and checks it against what the
// feed showed of it: the same number of events at the same positions,
// and the same chain (equal last hashes over verified chains mean equal
// events).
func sameAsFeed(ctx context.Context, s EventStore, id string, fromFeed *streamAudit) error {
	events, err := s.ReadStream(ctx, id, 0, Forward, 0)
	if err != nil {
		return err
	}
	own := &streamAudit{}
	for i := range events {
		e := &events[i]
		if i >= len(fromFeed.positions) {
			return breakAt(e, "the event is in its stream but not in the global feed")
		}
		if e.StreamVersion != uint64(i)+1 || e.Position != fromFeed.positions[i] {
			return breakAt(e, "reading the stream gives version %d at position %d, the feed version %d at position %d",
				e.StreamVersion, e.Position, i+1, fromFeed.positions[i])
		}
		if err := own.next(e); err != nil {
			return err
		}
	}
	if len(events) != len(fromFeed.positions) || own.hash != fromFeed.hash {
		return &AuditBreak{StreamID: id, Version: uint64(len(events)), Reason: fmt.Sprintf(
			"reading the stream gives %d events ending in hash %s, the feed %d ending in %s",
			len(events), own.hash, len(fromFeed.positions), fromFeed.hash)}
	}
	return nil
}

// VerifyStream checks one stream's hash chain and that its positions
// strictly increase.
func VerifyStream(ctx context.Context, s EventStore, id string) (AuditReport, error) {
	r := AuditReport{Schemes: map[domain.HashScheme]int{}}
	events, err := s.ReadStream(ctx, id, 0, Forward, 0)
	if err != nil {
		return r, err
	}
	st := &streamAudit{}
	for i := range events {
		e := &events[i]
		if e.StreamVersion != uint64(i)+1 {
			return r, breakAt(e, "expected version %d", i+1)
		}
		if e.Position <= r.Head {
			return r, breakAt(e, "position does not follow %d", r.Head)
		}
		if err := st.next(e); err != nil {
			return r, err
		}
		r.Head, r.Events = e.Position, r.Events+1
		r.Schemes[st.scheme]++
	}
	if len(events) > 0 {
		r.Streams = 1
	}
	return r, nil
}
