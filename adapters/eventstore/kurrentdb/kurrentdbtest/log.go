package kurrentdbtest

import (
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"
	streamsv2 "github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v2/streams/streams"
)

// Expected-revision constants of the v2 protocol.
const (
	revisionNoStream     = -1
	revisionAny          = -2
	revisionStreamExists = -4
)

// record is one event in the log. Records never change once written.
type record struct {
	stream   string
	revision uint64
	id       string
	typ      string
	json     bool
	created  time.Time
	data     []byte
	meta     []byte
	pos      uint64 // commit position, equal to the prepare position
}

// eventLog is the node's transaction log: $all in position order, and an
// index of each stream's records by revision.
type eventLog struct {
	mu      sync.Mutex
	records []record
	streams map[string][]int
	next    uint64
	changed chan struct{}
}

func newEventLog() *eventLog {
	l := &eventLog{streams: map[string][]int{}, changed: make(chan struct{})}
	// A fresh node has written system events before any client's.
	l.appendRaw("$settings", "$settings", []byte(`{}`))
	l.appendRaw("$scavenges", "$scavengeIndexInitialized", []byte(`{}`))
	return l
}

// snapshot returns the records written so far and a channel closed at the
// next commit. The slice is never written to again, so it may be read
// without the lock.
func (l *eventLog) snapshot() ([]record, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.records[:len(l.records):len(l.records)], l.changed
}

// stream returns a stream's records by revision, nil if it does not exist.
func (l *eventLog) stream(name string) []record {
	l.mu.Lock()
	defer l.mu.Unlock()
	idx := l.streams[name]
	if len(idx) == 0 {
		return nil
	}
	out := make([]record, len(idx))
	for i, j := range idx {
		out[i] = l.records[j]
	}
	return out
}

func (l *eventLog) appendRaw(stream, typ string, data []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.addLocked(record{stream: stream, id: uuid.NewString(), typ: typ, json: true, data: data})
	l.broadcastLocked()
}

// addLocked writes r at the end of the log. Positions grow with the size
// of what is written, as byte offsets in a transaction file do.
func (l *eventLog) addLocked(r record) {
	r.revision = uint64(len(l.streams[r.stream]))
	r.pos = l.next
	r.created = time.Now()
	l.next += uint64(64 + len(r.stream) + len(r.typ) + len(r.data) + len(r.meta))
	l.streams[r.stream] = append(l.streams[r.stream], len(l.records))
	l.records = append(l.records, r)
}

func (l *eventLog) broadcastLocked() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// pending is one stream's part of an append session.
type pending struct {
	stream   string
	expected int64
	records  []record
}

// actualLocked is the stream's last revision, revisionNoStream if none.
func (l *eventLog) actualLocked(stream string) int64 {
	return int64(len(l.streams[stream])) - 1
}

// conflict is a failed expected-revision check.
type conflict struct {
	stream           string
	expected, actual int64
}

// commit writes every part of a session or none; a failed check is
// returned as a conflict.
func (l *eventLog) commit(parts []pending) (*streamsv2.AppendSessionResponse, *conflict) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.repeatLocked(parts) {
		return l.responseLocked(parts), nil
	}
	for _, p := range parts {
		if actual := l.actualLocked(p.stream); !matches(p.expected, actual) {
			return nil, &conflict{stream: p.stream, expected: p.expected, actual: actual}
		}
	}
	for _, p := range parts {
		for _, r := range p.records {
			r.stream = p.stream
			l.addLocked(r)
		}
	}
	l.broadcastLocked()
	return l.responseLocked(parts), nil
}

func matches(expected, actual int64) bool {
	switch expected {
	case revisionAny:
		return true
	case revisionStreamExists:
		return actual >= 0
	default:
		return expected == actual
	}
}

// repeatLocked reports whether every part repeats, at the same expected
// revision, the ids already stored right after it: a retried session,
// answered as a success without writing again.
func (l *eventLog) repeatLocked(parts []pending) bool {
	for _, p := range parts {
		if p.expected < revisionNoStream {
			return false
		}
		idx := l.streams[p.stream]
		start := int(p.expected + 1)
		if len(idx) < start+len(p.records) {
			return false
		}
		for i, r := range p.records {
			if l.records[idx[start+i]].id != r.id {
				return false
			}
		}
	}
	return true
}

func (l *eventLog) responseLocked(parts []pending) *streamsv2.AppendSessionResponse {
	out := &streamsv2.AppendSessionResponse{}
	for _, p := range parts {
		idx := l.streams[p.stream]
		if len(idx) == 0 {
			out.Output = append(out.Output, &streamsv2.AppendResponse{Stream: p.stream, StreamRevision: revisionNoStream})
			continue
		}
		last := l.records[idx[len(idx)-1]]
		pos := int64(last.pos)
		out.Output = append(out.Output, &streamsv2.AppendResponse{Stream: p.stream, StreamRevision: int64(last.revision), Position: &pos})
		out.Position = max(out.Position, pos)
	}
	return out
}

// firstAfter is the index of the first record with a position above pos
// (or at it, when inclusive).
func firstAfter(recs []record, pos uint64, inclusive bool) int {
	return sort.Search(len(recs), func(i int) bool {
		return recs[i].pos > pos || (inclusive && recs[i].pos == pos)
	})
}
