package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"time"

	"github.com/webos-engine/webos/application"
)

// Handler runs one attempt of a job with input I. It should return when
// ctx ends (the job was cancelled or timed out). An error fails the
// attempt, which is retried unless it is Permanent or the attempts are
// used up.
type Handler[I any] func(ctx context.Context, run *Run, input I) error

// Spec describes a job type with input I.
type Spec[I any] struct {
	// Permission is what an actor needs to enqueue the job over HTTP
	// (jobs.Enqueue); one of the module's permissions.
	Permission string
	// Handler runs an attempt.
	Handler Handler[I]
	// MaxAttempts bounds the attempts (default 3).
	MaxAttempts int
	// Timeout bounds one attempt (default 10 minutes).
	Timeout time.Duration
	// Schedules enqueue the job on recurring ticks.
	Schedules []Schedule[I]
}

// Schedule enqueues a job with Input at every tick of Cron, a standard
// five-field cron expression ("minute hour day-of-month month
// day-of-week", or a descriptor such as "@daily"), read in TimeZone (an
// IANA name; empty means UTC).
type Schedule[I any] struct {
	// Name is unique among the type's schedules: letters, digits, '-'
	// and '_'.
	Name     string
	Cron     string
	TimeZone string
	Input    I
}

// Type is a registered job type (application.JobType).
type Type struct {
	name        string
	input       reflect.Type
	permission  string
	maxAttempts int
	timeout     time.Duration
	run         func(ctx context.Context, r *Run, input json.RawMessage) error
	schedules   []*schedule
}

// JobTypeName is "{module}.{name}".
func (t *Type) JobTypeName() string { return t.name }

// JobInput is the Go type of the input.
func (t *Type) JobInput() reflect.Type { return t.input }

// Defaults of a Spec.
const (
	DefaultMaxAttempts = 3
	DefaultTimeout     = 10 * time.Minute
)

var namePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

// Register adds the job type "{module}.{name}" to the module registering.
// It fails on a mistake in spec (a name, a cron expression, a time zone);
// return its error from Module.Register.
func Register[I any](r *application.Registrar, name string, spec Spec[I]) error {
	t := &Type{name: r.Module() + "." + name, input: reflect.TypeFor[I](), permission: spec.Permission,
		maxAttempts: spec.MaxAttempts, timeout: spec.Timeout}
	if t.maxAttempts <= 0 {
		t.maxAttempts = DefaultMaxAttempts
	}
	if t.timeout <= 0 {
		t.timeout = DefaultTimeout
	}
	var errs []error
	if !namePattern.MatchString(name) {
		errs = append(errs, fmt.Errorf("job type %q: a name is a letter then letters, digits, '-' or '_'", name))
	}
	if spec.Handler == nil {
		errs = append(errs, fmt.Errorf("job type %s: no handler", t.name))
	}
	if spec.Permission == "" {
		errs = append(errs, fmt.Errorf("job type %s: no permission to enqueue it", t.name))
	}
	h := spec.Handler
	t.run = func(ctx context.Context, run *Run, raw json.RawMessage) error {
		var in I
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return Permanent(fmt.Errorf("the input does not fit the job type: %w", err))
		}
		return h(ctx, run, in)
	}
	seen := map[string]bool{}
	for _, s := range spec.Schedules {
		input, err := json.Marshal(s.Input)
		if err != nil {
			errs = append(errs, fmt.Errorf("job type %s: schedule %s: input: %w", t.name, s.Name, err))
			continue
		}
		sch, err := newSchedule(t, s.Name, s.Cron, s.TimeZone, input)
		if err == nil && seen[s.Name] {
			err = fmt.Errorf("job type %s: schedule %s is declared twice", t.name, s.Name)
		}
		seen[s.Name] = true
		errs = append(errs, err)
		t.schedules = append(t.schedules, sch)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	r.JobType(t)
	return nil
}

// permanent marks an error that retrying cannot cure.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so the job fails at once instead of being retried.
func Permanent(err error) error { return permanent{err} }

// isPermanent: Permanent, or a command refused because its module is
// disabled in the job's tenant (an operator enables it and enqueues the
// job again). A refusal of the job's own module holds the job instead
// (ownRefusal), which finish looks at first.
func isPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p) || application.IsModuleDisabled(err)
}
