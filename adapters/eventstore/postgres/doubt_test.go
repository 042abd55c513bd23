package postgres_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/postgres"
	"github.com/webos-engine/webos/adapters/testkit/pgtest"
	"github.com/webos-engine/webos/domain"
)

// commitCutter is a TCP proxy to PostgreSQL that, once armed, lets the
// next message holding marker through (the one that commits an append:
// the INSERT and COMMIT of a transaction, or the one statement of
// append_events, both carry the event ids), then breaks every connection
// before its answer comes back and refuses connections for a moment: the
// client cannot tell whether its append committed, nor ask at once, but
// its next try (after the store's backoff) gets through.
type commitCutter struct {
	ln          net.Listener
	target      string
	marker      []byte
	armed       atomic.Bool
	refuseUntil atomic.Int64 // Unix nanoseconds
	mu          sync.Mutex
	conns       []net.Conn
}

func (p *commitCutter) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if time.Now().UnixNano() < p.refuseUntil.Load() {
			_ = c.Close()
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		var cut atomic.Bool
		go func() { // server → client, until the cut
			b := make([]byte, 64<<10)
			for {
				n, err := s.Read(b)
				if n > 0 && !cut.Load() {
					_, _ = c.Write(b[:n])
				}
				if err != nil {
					_ = c.Close()
					return
				}
			}
		}()
		go func() { // client → server, watching for the marker
			b := make([]byte, 64<<10)
			for {
				n, err := c.Read(b)
				if n > 0 {
					commit := p.armed.Load() && bytes.Contains(b[:n], p.marker)
					if commit {
						cut.Store(true)
					}
					_, _ = s.Write(b[:n])
					if commit && p.armed.CompareAndSwap(true, false) {
						time.Sleep(200 * time.Millisecond) // the server commits
						p.refuseUntil.Store(time.Now().Add(30 * time.Millisecond).UnixNano())
						p.breakAll()
						return
					}
				}
				if err != nil {
					_ = s.Close()
					return
				}
			}
		}()
	}
}

func (p *commitCutter) breakAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

// TestAnAppendWhoseCommitIsInDoubtIsNeverAConflict breaks the connection
// after an append's commit reached the server, and keeps the store from
// asking at once whether it landed. The retry then meets the append's own
// events: that must never come back as a version conflict, on which the
// repository would decide the command again and store it twice. Both ways
// of appending are cut: the one statement (a new stream: its head is
// known) and the transaction of two round trips (a stream this Store has
// not seen, written by another). With AnyVersion the retry chains the
// events again, on the append's own stored ones, and meets their ids:
// that must not come back as a duplicate event either.
func TestAnAppendWhoseCommitIsInDoubtIsNeverAConflict(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ahead int  // events another Store appends first
		any   bool // append with AnyVersion
	}{{"one statement", 0, false}, {"two round trips", 1, false}, {"any version, new stream", 0, true}, {"any version", 1, true}} {
		t.Run(tc.name, func(t *testing.T) {
			raw, schema := pgtest.URL(t), pgtest.Schema(t, "es_doubt")
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ev := domain.Envelope{ID: "01a22d27-0000-7000-8000-000000000001", Type: "test.Deposited", RecordedAt: time.Now().UTC(), Data: []byte(`{"amount":100}`)}
			p := &commitCutter{ln: ln, target: u.Host, marker: []byte(ev.ID)}
			t.Cleanup(func() { _ = ln.Close(); p.breakAll() })
			go p.serve()
			u.Host = ln.Addr().String()
			ctx := context.Background()
			st, err := postgres.Open(ctx, u.String(), postgres.WithSchema(schema))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			other := openSchema(t, schema)
			for i := range tc.ahead {
				mustAppend(t, other, "account-1", domain.ExpectedVersion(i), fmt.Sprintf("ahead-%d", i))
			}

			p.armed.Store(true)
			expected := domain.ExpectedVersion(tc.ahead)
			if tc.any {
				expected = domain.AnyVersion
			}
			appended, err := st.Append(ctx, "account-1", expected, []domain.Envelope{ev})
			if p.armed.Load() {
				t.Fatal("the proxy never saw the commit")
			}
			if domain.KindOf(err) == domain.KindConflict {
				t.Fatalf("an append whose own commit landed answered a conflict: %v", err)
			}
			got, rerr := st.ReadStream(ctx, "account-1", 1, 0, 0)
			if rerr != nil || len(got) != tc.ahead+1 || got[tc.ahead].ID != ev.ID {
				t.Fatalf("the stream holds %d events (%v), want the %d appended", len(got), rerr, tc.ahead+1)
			}
			if err != nil {
				t.Logf("the append answered an unknown outcome, as allowed: %v", err)
			} else if a, g := appended[0], got[tc.ahead]; a.StreamVersion != g.StreamVersion || a.Position != g.Position || a.Hash != g.Hash {
				t.Fatalf("the append answered version %d at %d (hash %s), the store holds version %d at %d (hash %s)",
					a.StreamVersion, a.Position, a.Hash, g.StreamVersion, g.Position, g.Hash)
			}
		})
	}
}
