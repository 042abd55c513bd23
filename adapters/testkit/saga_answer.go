package testkit

import (
	"context"
	"strings"
	"time"

	"github.com/webos-engine/webos/sagas"
)

// waiting returns the commands sent and not answered yet.
func (s *SagaScenario) waiting() []sagas.Command {
	s.sender.mu.Lock()
	defer s.sender.mu.Unlock()
	return append([]sagas.Command(nil), s.sender.open...)
}

// reply hands r to the runtime and closes the command it answers.
func (s *SagaScenario) reply(r sagas.Reply) {
	s.t.Helper()
	s.sender.mu.Lock()
	open := s.sender.open[:0]
	for _, c := range s.sender.open {
		if c.CommandID != r.CommandID || c.Attempt != r.Attempt {
			open = append(open, c)
		}
	}
	s.sender.open = open
	s.sender.mu.Unlock()
	if err := s.Runtime.HandleReply(context.Background(), r); err != nil {
		s.t.Fatalf("reply to %s: %v", r.Step, err)
	}
}

// answer replies to the waiting command of step in the instance with
// key ("undo:{step}" names a compensation).
func (s *SagaScenario) answer(key, step string, r sagas.Reply) *SagaScenario {
	s.t.Helper()
	compensation := strings.HasPrefix(step, "undo:")
	step = strings.TrimPrefix(step, "undo:")
	id := sagas.InstanceID(s.definition, key)
	for _, c := range s.waiting() {
		if c.Instance == id && c.Step == step && c.Compensation == compensation {
			r.Instance, r.Step, r.Compensation, r.CommandID, r.Attempt = c.Instance, c.Step, c.Compensation, c.CommandID, c.Attempt
			s.reply(r)
			s.settle(false)
			return s
		}
	}
	s.t.Fatalf("instance %s has no command of step %q waiting for an answer (waiting: %v)", key, step, s.waiting())
	return s
}

// Succeed answers the waiting command of step with success.
func (s *SagaScenario) Succeed(key, step string) *SagaScenario {
	s.t.Helper()
	return s.answer(key, step, sagas.Reply{OK: true})
}

// Refuse answers the waiting command of step with a refusal by the
// module (a domain error with code).
func (s *SagaScenario) Refuse(key, step, code, message string) *SagaScenario {
	s.t.Helper()
	return s.answer(key, step, sagas.Reply{Code: code, Message: message})
}

// FailTransiently answers the waiting command of step with a failure
// worth retrying (the store was unavailable).
func (s *SagaScenario) FailTransiently(key, step, message string) *SagaScenario {
	s.t.Helper()
	return s.answer(key, step, sagas.Reply{Code: sagas.CodeUnavailable, Message: message, Transient: true})
}

// SucceedAll answers every waiting command with success, and the ones
// those lead to, until nothing waits.
func (s *SagaScenario) SucceedAll() *SagaScenario {
	s.t.Helper()
	s.settle(true)
	return s
}

// Advance moves the clock on by d and fires the timers due by then,
// those they schedule included.
func (s *SagaScenario) Advance(d time.Duration) *SagaScenario {
	s.t.Helper()
	now := s.Clock.Advance(d)
	for range 1000 {
		if at, ok := s.Runtime.NextTimer(); !ok || at.After(now) {
			return s
		}
		if err := s.Runtime.FireDue(context.Background(), now); err != nil {
			s.t.Fatalf("fire timers: %v", err)
		}
		s.settle(false)
	}
	s.t.Fatal("saga scenario: timers kept falling due after 1000 rounds")
	return s
}

// Restart throws the runtime away and starts a new one on the same
// stores, as a process restart does: the view sagas.instances catches
// up, and the active instances are recovered from their streams (their
// waiting commands sent again, their timers set).
func (s *SagaScenario) Restart() *SagaScenario {
	s.t.Helper()
	s.sender.mu.Lock()
	s.sender.open = nil
	s.sender.mu.Unlock()
	s.Runtime = sagas.NewRuntime(s.Engine.App, s.Engine.Events, s.sender, s.opts)
	s.module.Use(s.Runtime)
	if err := s.Engine.Projections.CatchUp(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.Runtime.RecoverActive(context.Background(), s.Engine.ReadModels); err != nil {
		s.t.Fatalf("recover: %v", err)
	}
	s.settle(false)
	return s
}
