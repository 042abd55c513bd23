package application

import (
	"context"
	"errors"

	"github.com/webos-engine/webos/domain"
)

// Mode says what a command expects of its aggregate's stream.
type Mode int

const (
	// MustExist means the aggregate must have been created (else 404).
	MustExist Mode = iota
	// MustBeNew means the command creates the aggregate (an existing one is a
	// 409, decided by the event store, so two racing creators cannot both
	// win).
	MustBeNew
)

// conflictRetries bounds how often a command without If-Match is re-run
// after losing a race for its stream: the command did not depend on a
// version the caller saw, so deciding again on fresh state is correct.
const conflictRetries = 8

// AggregateHandler builds the usual command handler: load the aggregate
// that newAggregate names for cmd, check mode and If-Match, let decide call
// the aggregate's methods, append what it raised.
func AggregateHandler[A domain.Aggregate, C any](repo *Repository, mode Mode, newAggregate func(C) A, decide func(context.Context, A, C) error) CommandHandler[C] {
	return func(ctx context.Context, cmd C) (Result, error) {
		expected := MetaFrom(ctx).ExpectedVersion
		for attempt := 0; ; attempt++ {
			res, err := decideOnce(ctx, repo, mode, newAggregate(cmd), cmd, decide)
			if expected != nil || mode == MustBeNew || attempt == conflictRetries || !isVersionConflict(err) {
				return res, err
			}
		}
	}
}

func decideOnce[A domain.Aggregate, C any](ctx context.Context, repo *Repository, mode Mode, a A, cmd C, decide func(context.Context, A, C) error) (Result, error) {
	if err := repo.Load(ctx, a); err != nil {
		return Result{}, err
	}
	root := a.Root()
	switch {
	case mode == MustExist && !root.Exists():
		return Result{}, domain.Errorf(domain.KindNotFound, "not_found", "%s does not exist", root.ID())
	case mode == MustBeNew && root.Exists():
		return Result{}, alreadyExists(root.ID())
	}
	if ev := MetaFrom(ctx).ExpectedVersion; ev != nil && *ev != root.Version() {
		return Result{}, domain.VersionConflict(root.ID(), domain.ExpectedVersion(*ev), root.Version())
	}
	if err := decide(ctx, a, cmd); err != nil {
		return Result{}, err
	}
	res, err := repo.Save(ctx, a)
	if mode == MustBeNew && isVersionConflict(err) {
		return Result{}, alreadyExists(root.ID())
	}
	return res, err
}

func alreadyExists(stream string) error {
	return domain.Errorf(domain.KindConflict, "already_exists", "%s already exists", stream)
}

func isVersionConflict(err error) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Code == "version_conflict"
}
