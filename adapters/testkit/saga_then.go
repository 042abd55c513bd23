package testkit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/webos-engine/webos/sagas"
)

// Sent returns the commands sent since the last Given, ThenSent or
// ThenNothingSent, and marks them seen.
func (s *SagaScenario) Sent() []sagas.Command {
	s.sender.mu.Lock()
	defer s.sender.mu.Unlock()
	out := append([]sagas.Command(nil), s.sender.sent[s.sender.seen:]...)
	s.sender.seen = len(s.sender.sent)
	return out
}

// ThenSent asserts that the commands sent since the last check are want,
// in order: values of registered command types, compared by command name
// and JSON.
func (s *SagaScenario) ThenSent(want ...any) *SagaScenario {
	s.t.Helper()
	got := s.Sent()
	var g, w []string
	for _, c := range got {
		g = append(g, c.Name+" "+string(c.Body))
	}
	for _, c := range want {
		info, err := s.Engine.App.CommandOf(c)
		if err != nil {
			s.t.Fatalf("ThenSent: %v", err)
		}
		body, err := json.Marshal(c)
		if err != nil {
			s.t.Fatal(err)
		}
		w = append(w, info.Name+" "+string(body))
	}
	if strings.Join(g, "\n") != strings.Join(w, "\n") {
		s.t.Fatalf("commands sent:\n  %s\nwant:\n  %s", strings.Join(g, "\n  "), strings.Join(w, "\n  "))
	}
	return s
}

// ThenNothingSent asserts that no command was sent since the last check.
func (s *SagaScenario) ThenNothingSent() *SagaScenario {
	s.t.Helper()
	return s.ThenSent()
}

// Instance reads the instance with key from its stream.
func (s *SagaScenario) Instance(key string) sagas.InstanceState {
	s.t.Helper()
	st, err := s.Runtime.Instance(context.Background(), s.definition, key)
	if err != nil {
		s.t.Fatalf("instance %s: %v", key, err)
	}
	return st
}

// ThenStatus asserts the instance's status (and, for failed and
// compensating instances, that the reason contains reason, if given).
func (s *SagaScenario) ThenStatus(key string, want sagas.Status, reason ...string) *SagaScenario {
	s.t.Helper()
	st := s.Instance(key)
	if st.Status != want {
		s.t.Fatalf("instance %s is %q (reason %q), want %q", key, st.Status, st.Reason, want)
	}
	for _, r := range reason {
		if !strings.Contains(st.Reason, r) {
			s.t.Fatalf("instance %s: reason %q does not contain %q", key, st.Reason, r)
		}
	}
	return s
}

// ThenState asserts the instance's state, compared as JSON.
func (s *SagaScenario) ThenState(key string, want any) *SagaScenario {
	s.t.Helper()
	st := s.Instance(key)
	if !jsonEqual(s.t, st.State, want) {
		s.t.Fatalf("instance %s state\n got: %s\nwant: %s", key, st.State, mustJSON(s.t, want))
	}
	return s
}

// View catches the projections up and returns the instance's document in
// the view sagas.instances.
func (s *SagaScenario) View(key string) sagas.InstanceDoc {
	s.t.Helper()
	if err := s.Engine.Projections.CatchUp(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	raw, err := s.Engine.ReadModels.Get(context.Background(), sagas.InstancesCollection.Name, sagas.InstanceID(s.definition, key))
	if err != nil {
		s.t.Fatalf("view of instance %s: %v", key, err)
	}
	var d sagas.InstanceDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		s.t.Fatal(fmt.Errorf("view of instance %s: %w", key, err))
	}
	return d
}
