// Package testkit gives module authors given/when/then scenarios for
// aggregates and projections, run on the in-memory adapters. Only test
// files import it.
package testkit

import (
	"errors"
	"reflect"
	"testing"

	"github.com/webos-engine/webos/domain"
)

// AggregateScenario is Given(history).When(decision).Then(events) for one
// aggregate.
type AggregateScenario[A domain.Aggregate] struct {
	t   testing.TB
	a   A
	err error
}

// Given replays history into a, as if loaded from its stream.
func Given[A domain.Aggregate](t testing.TB, a A, history ...domain.Event) *AggregateScenario[A] {
	t.Helper()
	for i, e := range history {
		domain.Replay(a, e, uint64(i+1))
	}
	return &AggregateScenario[A]{t: t, a: a}
}

// When runs the decision under test, typically a command method.
func (s *AggregateScenario[A]) When(decide func(A) error) *AggregateScenario[A] {
	s.err = decide(s.a)
	return s
}

// Then asserts that the decision succeeded and raised exactly events.
func (s *AggregateScenario[A]) Then(events ...domain.Event) {
	s.t.Helper()
	if s.err != nil {
		s.t.Fatalf("expected events, got error: %v", s.err)
	}
	got := s.a.Root().Pending()
	if len(got) == 0 && len(events) == 0 {
		return
	}
	if !reflect.DeepEqual(got, events) {
		s.t.Fatalf("raised events differ\n got: %#v\nwant: %#v", got, events)
	}
}

// ThenNothing asserts that the decision succeeded and raised no event.
func (s *AggregateScenario[A]) ThenNothing() { s.t.Helper(); s.Then() }

// ThenError asserts that the decision failed with a *domain.Error of the
// given code and raised nothing.
func (s *AggregateScenario[A]) ThenError(code string) {
	s.t.Helper()
	var de *domain.Error
	if !errors.As(s.err, &de) || de.Code != code {
		s.t.Fatalf("expected domain error %q, got %v", code, s.err)
	}
	if n := len(s.a.Root().Pending()); n != 0 {
		s.t.Fatalf("a refused decision raised %d events", n)
	}
}

// Aggregate returns the aggregate, for assertions on its state.
func (s *AggregateScenario[A]) Aggregate() A { return s.a }
