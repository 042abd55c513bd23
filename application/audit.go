package application

import (
	"context"
	"fmt"
	"slices"

	"github.com/webos-engine/webos/domain"
)

// auditPage is how many events VerifyStore reads from the feed at a time.
const auditPage = 1000

// AuditReport summarises a verified event store or stream.
type AuditReport struct {
	Streams int                       // streams checked
	Events  int                       // events checked
	Head    uint64                    // position of the last event checked
	Schemes map[domain.HashScheme]int // events per hash scheme
}

// AuditBreak names the first event that breaks a stream's hash chain or
// the global feed's order, and why.
type AuditBreak struct {
	StreamID string
	Version  uint64
	Position uint64
	Reason   string
}

func (b *AuditBreak) Error() string {
	return fmt.Sprintf("stream %s version %d position %d: %s", b.StreamID, b.Version, b.Position, b.Reason)
}

func breakAt(e *domain.Envelope, format string, args ...any) *AuditBreak {
	return &AuditBreak{StreamID: e.StreamID, Version: e.StreamVersion, Position: e.Position, Reason: fmt.Sprintf(format, args...)}
}

// streamAudit is what VerifyStore keeps per stream while walking the feed.
type streamAudit struct {
	hash      string
	scheme    domain.HashScheme
	positions []uint64 // of its events, in version order
}

// VerifyStore checks an event store the way docs/audit-format.md
// describes: it walks the global feed once, checking that positions
// strictly increase and that each event is the next one of its stream
// with a valid hash; then it reads every stream on its own and checks
// that it holds exactly the events the feed showed. A break is returned
// as an *AuditBreak naming the first broken event.
func VerifyStore(ctx context.Context, s EventStore) (AuditReport, error) {
	r := AuditReport{Schemes: map[domain.HashScheme]int{}}
	streams := map[string]*streamAudit{}
	for {
		page, err := s.ReadAll(ctx, r.Head, auditPage)
		if err != nil {
			return r, err
		}
		for i := range page {
			e := &page[i]
			if e.Position <= r.Head {
				return r, breakAt(e, "position does not follow %d: the feed is out of order", r.Head)
			}
			st := streams[e.StreamID]
			if st == nil {
				st = &streamAudit{}
				streams[e.StreamID] = st
			}
			if want := uint64(len(st.positions)) + 1; e.StreamVersion != want {
				return r, breakAt(e, "the feed skips or repeats stream versions: expected version %d", want)
			}
			if err := st.next(e); err != nil {
				return r, err
			}
			r.Head, r.Events = e.Position, r.Events+1
			r.Schemes[st.scheme]++
		}
		if len(page) < auditPage {
			break
		}
	}
	r.Streams = len(streams)
	ids := make([]string, 0, len(streams))
	for id := range streams {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := sameAsFeed(ctx, s, id, streams[id]); err != nil {
			return r, err
		}
	}
	return r, nil
}

// next checks e as the next event of the stream and records it.
func (st *streamAudit) next(e *domain.Envelope) error {
	scheme, err := domain.VerifyEvent(st.hash, st.scheme, e)
	if err != nil {
		return breakAt(e, "%v", err)
	}
	st.hash, st.scheme = e.Hash, scheme
	st.positions = append(st.positions, e.Position)
	return nil
}
