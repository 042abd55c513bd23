package projections

import (
	"context"
	"math"
	"time"

	"github.com/webos-engine/webos/application"
)

// State is where a projection is in its life.
type State string

// Projection states.
const (
	// CatchingUp: running, and more than one batch behind the head of
	// the feed (a start, a rebuild, or a burst of appends).
	CatchingUp State = "catching-up"
	// Live: running, and within one batch of the head.
	Live State = "live"
	// Retrying: the event store or the read-model store failed, or an
	// event failed fewer times than Options.MaxAttempts; the runner retries
	// with jittered back-off.
	Retrying State = "retrying"
	// Failed: one event failed MaxAttempts times in a row (it cannot be
	// decoded, or its handler refuses it). The projection stays stopped at
	// Position until an operator skips the event (Runtime.Skip) or the
	// code is fixed, and restarts.
	Failed State = "failed"
	// Stopped: not running.
	Stopped State = "stopped"
	// Serving: the version serves the views from the collections it built
	// but no longer runs, as the code now declares a newer one; Rebuild
	// shows that one's progress. The views are as of Checkpoint until it
	// takes over. (When the projection kept the old version's code,
	// application.Projection.Replaces, the old version runs on and shows
	// Live or CatchingUp instead.)
	Serving State = "serving"
)

// Status reports one projection's progress. It is shown to API callers, so
// it carries a code and a fixed message, never a raw error: Error holds
// that, for the logs only.
type Status struct {
	Name string `json:"name"`
	// Version is the projection's version whose state this is.
	Version    int    `json:"version"`
	State      State  `json:"state"`
	Checkpoint uint64 `json:"checkpoint"`
	// Head is the position of the feed's last event. Positions may have
	// gaps: Head minus Checkpoint is no count of events, Lag is.
	Head uint64 `json:"head"`
	// Lag is how many events are stored but not yet projected, counted up
	// to a bound (see lagCount); LagCapped says there are more.
	Lag       uint64 `json:"lag"`
	LagCapped bool   `json:"lag_capped,omitempty"`
	// LagSeconds is the age of the oldest event not yet projected, 0 when
	// there is none.
	LagSeconds float64 `json:"lag_seconds"`
	// Position is the event that failed, when one did.
	Position uint64 `json:"position,omitempty"`
	// Code says why the projection is retrying or failed (see failure.go).
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Error   string `json:"-"`
	// Progress is how far a version rebuilt in the background has come,
	// from 0 to 1: its checkpoint's share of the head position (a
	// position-scale estimate; Lag counts the events left).
	Progress *float64 `json:"progress,omitempty"`
	// Rebuild is the version being rebuilt in the background while this
	// one serves the views.
	Rebuild *Status `json:"rebuild,omitempty"`
}

// lagCount bounds how many events Status counts behind a projection: one
// bounded read each, however far behind it is. It is at least a batch,
// which Live and CatchingUp are told apart by.
const lagCount = 1000

// running reports whether the state is one of a projection following the
// feed, which Runtime.Status refines from the lag.
func (s State) running() bool { return s == Live || s == CatchingUp }

// Status reports every projection, with its lag behind the feed's head.
// A running projection is Live within one batch of the head and
// CatchingUp further behind, whichever way the lag last moved. While a
// new version is rebuilt in the background, the status is the serving
// version's, with the new one's under Rebuild.
func (rt *Runtime) Status(ctx context.Context) []Status {
	m := measure{rt: rt, now: time.Now(), lags: map[uint64]application.Lag{}}
	m.head, m.err = rt.events.Head(ctx)
	out := make([]Status, 0, len(rt.runners))
	for _, r := range rt.runners {
		s := r.snapshot()
		old, oldAt, prev := r.serving()
		m.lag(ctx, &s)
		if old.Version != 0 {
			progress := 1.0
			if m.head > 0 {
				progress = math.Round(min(float64(s.Checkpoint)/float64(m.head), 1)*1000) / 1000
			}
			build := s
			build.Progress = &progress
			s = Status{Name: s.Name, Version: old.Version, State: Serving, Checkpoint: oldAt}
			if prev != nil {
				s = prev.snapshot()
			}
			m.lag(ctx, &s)
			s.Rebuild = &build
		}
		out = append(out, s)
	}
	return out
}

// measure fills in the lag of statuses against one head.
type measure struct {
	rt   *Runtime
	now  time.Time
	head uint64
	err  error
	lags map[uint64]application.Lag // projections at one checkpoint share a read
}

func (m *measure) lag(ctx context.Context, s *Status) {
	lag, seen := m.lags[s.Checkpoint]
	if m.err == nil && !seen {
		lag, m.err = application.MeasureLag(ctx, m.rt.events, s.Checkpoint, max(lagCount, m.rt.opts.BatchSize))
		m.lags[s.Checkpoint] = lag
	}
	if m.err != nil {
		return
	}
	s.Head, s.Lag, s.LagCapped = m.head, uint64(lag.Events), lag.More
	if !lag.Oldest.IsZero() {
		s.LagSeconds = max(m.now.Sub(lag.Oldest).Seconds(), 0)
	}
	if s.State.running() {
		s.State = Live
		if lag.More || lag.Events > m.rt.opts.BatchSize {
			s.State = CatchingUp
		}
	}
}
