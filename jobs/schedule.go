package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // time zones resolve also where the system has no zoneinfo

	"github.com/robfig/cron/v3"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// schedule is a registered recurring schedule of a job type.
type schedule struct {
	typ      *Type
	name     string
	cron     string
	timeZone string
	spec     cron.Schedule
	loc      *time.Location
	input    json.RawMessage
}

func newSchedule(t *Type, name, expr, tz string, input json.RawMessage) (*schedule, error) {
	if !namePattern.MatchString(name) {
		return nil, fmt.Errorf("job type %s: schedule %q: a name is a letter then letters, digits, '-' or '_'", t.name, name)
	}
	if strings.Contains(expr, "TZ=") {
		return nil, fmt.Errorf("job type %s: schedule %s: give the time zone in TimeZone, not in the expression", t.name, name)
	}
	spec, err := cron.ParseStandard(expr)
	if err != nil {
		return nil, fmt.Errorf("job type %s: schedule %s: %w", t.name, name, err)
	}
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("job type %s: schedule %s: time zone %q: %w", t.name, name, tz, err)
	}
	return &schedule{typ: t, name: name, cron: expr, timeZone: tz, spec: spec, loc: loc, input: input}, nil
}

// stream is the schedule's stream.
func (s *schedule) stream() string { return SchedulePrefix + s.typ.name + "." + s.name }

// next is the first tick after t, in UTC; zero when there is none.
func (s *schedule) next(t time.Time) time.Time {
	n := s.spec.Next(t.In(s.loc))
	if n.IsZero() {
		return n
	}
	return n.UTC()
}

// maxCatchUp bounds the ticks counted when looking for the latest one
// missed (a year of minutes is half of it).
const maxCatchUp = 1 << 20

// latest returns the latest tick in (from, now] and how many ticks fell
// there.
func (s *schedule) latest(from, now time.Time) (time.Time, int) {
	var last time.Time
	n := 0
	for t := s.next(from); !t.IsZero() && !t.After(now) && n < maxCatchUp; t = s.next(t) {
		last, n = t, n+1
	}
	return last, n
}

// scheduleState is a schedule's stream replayed.
type scheduleState struct {
	domain.Base
	since, last    time.Time
	cron, timeZone string
}

func (st *scheduleState) Apply(e domain.Event) {
	switch e := e.(type) {
	case ScheduleArmed:
		st.since, st.cron, st.timeZone = e.Since, e.Cron, e.TimeZone
	case ScheduleFired:
		st.last = e.Tick
	}
}

// base is the time after which ticks are still to fire.
func (st *scheduleState) base() time.Time {
	if st.last.After(st.since) {
		return st.last
	}
	return st.since
}

// Arm records every schedule's start the first time it runs, and again
// when its expression or time zone changed (keeping the ticks it fired),
// and sets its next tick; a tick missed while no process ran fires at
// once (see tick).
func (rt *Runtime) Arm(ctx context.Context) error {
	now := rt.opts.Clock()
	for _, t := range rt.types {
		for _, s := range t.schedules {
			st, err := rt.loadSchedule(ctx, s)
			if err != nil {
				return err
			}
			if !st.Exists() || st.cron != s.cron || st.timeZone != s.timeZone {
				since := now
				if st.Exists() {
					since = st.base()
				}
				domain.Raise(st, ScheduleArmed{Schedule: s.name, Type: t.name, Cron: s.cron, TimeZone: s.timeZone, Since: since, Next: s.next(since)})
				step := fmt.Sprintf("armed/%d", st.Version())
				if err := rt.saveSchedule(ctx, st, step); err != nil && domain.KindOf(err) != domain.KindConflict {
					return err
				}
			}
			if next := s.next(st.base()); !next.IsZero() {
				rt.timers.set(s.stream(), next)
			}
		}
	}
	return nil
}

func (rt *Runtime) schedule(stream string) *schedule {
	for _, t := range rt.types {
		for _, s := range t.schedules {
			if s.stream() == stream {
				return s
			}
		}
	}
	return nil
}

func (rt *Runtime) loadSchedule(ctx context.Context, s *schedule) (*scheduleState, error) {
	st := &scheduleState{Base: domain.NewBase(s.stream())}
	return st, rt.repo.Load(ctx, st)
}

func (rt *Runtime) saveSchedule(ctx context.Context, st *scheduleState, step string) error {
	meta := application.Meta{CommandID: "schedule/" + st.ID() + "/" + step, Actor: actor, CorrelationID: st.ID()}
	_, err := rt.repo.Save(application.WithMeta(ctx, meta), st)
	return err
}

// tick enqueues the job of the latest tick of the schedule in stream that
// fell due by now, once, then sets the next tick. While the job type's
// module is disabled (schedules run in the default tenant, so by the
// platform's list) the tick is recorded skipped and enqueues nothing: it
// does not run late once the module is enabled. The job's key is the
// schedule and tick, and it is enqueued before the tick is recorded: a
// crash in between enqueues nothing new when the tick fires again.
func (rt *Runtime) tick(ctx context.Context, stream string, now time.Time) error {
	s := rt.schedule(stream)
	if s == nil {
		return nil
	}
	st, err := rt.loadSchedule(ctx, s)
	if err != nil {
		return err
	}
	tick, n := s.latest(st.base(), now)
	if n > 0 {
		stamp := tick.UTC().Format("20060102T150405Z")
		jctx := application.WithMeta(ctx, application.Meta{Actor: actor})
		fired := ScheduleFired{Schedule: s.name, Tick: tick, Missed: n - 1, Next: s.next(now)}
		res, err := rt.enqueue(jctx, application.Job{Type: s.typ.name, Input: s.input, Key: s.name + "@" + stamp}, s.name)
		switch {
		case application.IsModuleDisabled(err):
			fired.Skipped = application.CodeModuleDisabled
			rt.opts.Logger.InfoContext(ctx, "job schedule tick skipped: its module is disabled", "schedule", stream, "tick", tick)
		case err != nil:
			return err
		}
		fired.Job = res.Stream
		domain.Raise(st, fired)
		if err := rt.saveSchedule(ctx, st, "fired/"+stamp); err != nil && domain.KindOf(err) != domain.KindConflict {
			return err
		}
		if n > 1 {
			rt.opts.Logger.InfoContext(ctx, "job schedule caught up once for missed ticks", "schedule", stream, "missed", n, "tick", tick)
		}
	}
	if next := s.next(now); !next.IsZero() {
		rt.timers.set(stream, next)
	}
	return nil
}
