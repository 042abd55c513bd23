package application

import (
	"fmt"
	"reflect"
	"sync"
)

// Services is the typed service registry through which modules offer each
// other capabilities without importing each other's internals: a module
// provides an implementation of an interface from its contract package,
// another looks it up by that interface type.
type Services struct {
	mu sync.RWMutex
	m  map[reflect.Type]any
}

// NewServices returns an empty registry.
func NewServices() *Services { return &Services{m: map[reflect.Type]any{}} }

// Provide registers impl as the T. T should be an interface type; a second
// provider of the same T is an error.
func Provide[T any](s *Services, impl T) error {
	t := reflect.TypeFor[T]()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.m[t]; dup {
		return fmt.Errorf("service %s is already provided", t)
	}
	s.m[t] = impl
	return nil
}

// Lookup returns the provided T, or an error naming the missing type.
func Lookup[T any](s *Services) (T, error) {
	t := reflect.TypeFor[T]()
	s.mu.RLock()
	defer s.mu.RUnlock()
	impl, ok := s.m[t]
	if !ok {
		var zero T
		return zero, fmt.Errorf("no service provides %s", t)
	}
	return impl.(T), nil
}

func (s *Services) provided(t reflect.Type) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.m[t]
	return ok
}

// withdraw removes the provider of t, rolling back a failed module.
func (s *Services) withdraw(t reflect.Type) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, t)
}
