package testkit

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/sagas"
)

// SagaScenario runs one process manager on in-memory stores with a fake
// clock: given events (whose commands all succeed), when an event, then
// the commands it sent and the instance's state. Commands are recorded,
// not run, and answered by the test (Succeed, Refuse, FailTransiently),
// unless the scenario executes them (Executing).
type SagaScenario struct {
	t          testing.TB
	Engine     *Engine
	Clock      *Clock
	Runtime    *sagas.Runtime
	definition string
	module     *sagas.Module
	opts       sagas.Options
	sender     *recordingSender
	ids        int
}

// Saga starts a scenario for the process manager called definition,
// registered by one of modules (the engine's sagas module is added). The
// clock starts at 2026-01-01T00:00:00Z.
func Saga(t testing.TB, definition string, modules ...application.Module) *SagaScenario {
	t.Helper()
	s := &SagaScenario{t: t, Clock: NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		definition: definition, sender: &recordingSender{}}
	s.opts = sagas.Options{Clock: s.Clock.Now, RetryBackoff: time.Second, MaxBackoff: time.Minute,
		NewID: func() string { s.ids++; return fmt.Sprintf("op-%d", s.ids) }}
	s.deploy(NewEngine, modules)
	return s
}

// Redeploy starts a new engine with modules on the scenario's stores, as
// deploying a new version of the code does (a saga definition changed
// while its instances run), then restarts the runtime on it.
func (s *SagaScenario) Redeploy(modules ...application.Module) *SagaScenario {
	s.t.Helper()
	events, models := s.Engine.Events, s.Engine.ReadModels
	s.deploy(func(t testing.TB, mods ...application.Module) *Engine { return engineOn(t, events, models, mods...) }, modules)
	return s.Restart()
}

func (s *SagaScenario) deploy(build func(testing.TB, ...application.Module) *Engine, modules []application.Module) {
	s.t.Helper()
	s.module = &sagas.Module{}
	s.Engine = build(s.t, append([]application.Module{s.module}, modules...)...)
	if s.sender.execute != nil {
		s.sender.execute = s.Engine.App
	}
	s.Runtime = sagas.NewRuntime(s.Engine.App, s.Engine.Events, s.sender, s.opts)
	s.module.Use(s.Runtime)
}

// Executing makes the scenario run every command the instance sends
// through the engine's pipeline, on the modules loaded, and hand the
// reply back at once, as the command bus does.
func (s *SagaScenario) Executing() *SagaScenario {
	s.sender.execute = s.Engine.App
	return s
}

// recordingSender records the commands an instance sends; when execute
// is set it also runs them.
type recordingSender struct {
	mu      sync.Mutex
	sent    []sagas.Command
	seen    int
	open    []sagas.Command
	execute *application.App
	replies []sagas.Reply
}

// Send records cmd (and, executing, queues its reply for the scenario to
// deliver once the runtime let go of the instance).
func (r *recordingSender) Send(ctx context.Context, cmd sagas.Command) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, cmd)
	if r.execute != nil {
		r.replies = append(r.replies, sagas.Execute(ctx, r.execute, cmd, slog.New(slog.DiscardHandler)))
		return nil
	}
	r.open = append(r.open, cmd)
	return nil
}

func (r *recordingSender) takeReplies() []sagas.Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.replies
	r.replies = nil
	return out
}

// Given delivers events appended to stream, one after another, and
// answers every command they make the instance send with success, as
// history that went well.
func (s *SagaScenario) Given(stream string, events ...domain.Event) *SagaScenario {
	s.t.Helper()
	for _, e := range events {
		s.deliver(s.appendEvent(stream, e))
		s.settle(true)
	}
	s.sender.mu.Lock()
	s.sender.seen = len(s.sender.sent)
	s.sender.mu.Unlock()
	return s
}

// When appends event to stream and delivers it. The commands it makes
// the instance send wait for the test's answer (unless Executing).
func (s *SagaScenario) When(stream string, event domain.Event) *SagaScenario {
	s.t.Helper()
	s.deliver(s.appendEvent(stream, event))
	s.settle(false)
	return s
}

// Deliver hands a stored envelope to the runtime again, as a bus
// redelivering it would.
func (s *SagaScenario) Deliver(env domain.Envelope) *SagaScenario {
	s.t.Helper()
	s.deliver(env)
	s.settle(false)
	return s
}

// Replay runs the process manager against recorded envelopes, from an
// event store or an audit export (ReadEnvelopes), in order; every command
// the instances send succeeds unless the scenario is Executing.
func (s *SagaScenario) Replay(envs ...domain.Envelope) *SagaScenario {
	s.t.Helper()
	for _, env := range envs {
		s.deliver(env)
		s.settle(true)
	}
	return s
}

// ReadEnvelopes reads the JSON lines of `webos audit export`: one stored
// envelope each.
func ReadEnvelopes(r io.Reader) ([]domain.Envelope, error) {
	var out []domain.Envelope
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var env domain.Envelope
		if err := json.Unmarshal(sc.Bytes(), &env); err != nil {
			return nil, fmt.Errorf("envelope %d: %w", len(out)+1, err)
		}
		out = append(out, env)
	}
	return out, sc.Err()
}

// Append only appends event to stream, for a test that runs the runtime
// on the feed (Runtime.Follow) instead of delivering events itself.
func (s *SagaScenario) Append(stream string, event domain.Event) domain.Envelope {
	s.t.Helper()
	return s.appendEvent(stream, event)
}

func (s *SagaScenario) appendEvent(stream string, e domain.Event) domain.Envelope {
	s.t.Helper()
	typ, ver, data, err := s.Engine.App.Events().Encode(e)
	if err != nil {
		s.t.Fatalf("event %T: %v", e, err)
	}
	s.ids++
	env := domain.Envelope{ID: fmt.Sprintf("event-%d", s.ids), Type: typ, SchemaVersion: ver, StreamID: stream,
		RecordedAt: s.Clock.Now(), Actor: "tester", Data: data}
	stored, err := s.Engine.Events.Append(context.Background(), stream, domain.AnyVersion, []domain.Envelope{env})
	if err != nil {
		s.t.Fatalf("append %s: %v", typ, err)
	}
	return stored[0]
}

func (s *SagaScenario) deliver(env domain.Envelope) {
	s.t.Helper()
	if err := s.Runtime.HandleEvent(context.Background(), env); err != nil {
		s.t.Fatalf("handle %s: %v", env.Type, err)
	}
}

// settle delivers the replies of executed commands, and with succeed
// answers every other waiting command with success, until nothing waits.
func (s *SagaScenario) settle(succeed bool) {
	s.t.Helper()
	for range 1000 {
		replies := s.sender.takeReplies()
		if succeed && s.sender.execute == nil {
			for _, c := range s.waiting() {
				replies = append(replies, sagas.Reply{Instance: c.Instance, Step: c.Step, Compensation: c.Compensation,
					CommandID: c.CommandID, Attempt: c.Attempt, OK: true})
			}
		}
		if len(replies) == 0 {
			return
		}
		for _, r := range replies {
			s.reply(r)
		}
	}
	s.t.Fatal("saga scenario: commands kept coming after 1000 rounds of replies")
}
