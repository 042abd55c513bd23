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
	// MayExist means the command creates the aggregate or changes the one
	// there (a definition that a later one replaces).
	MayExist
)

// AggregateHandler builds the usual command handler: load the aggregate
// that newAggregate names for cmd, check mode and If-Match, let decide call
// the aggregate's methods, append what it raised. For a TenantVersioned
// aggregate, If-Match and the Result's Version are its version in the
// tenant ctx works in (see TenantVersioned).
//
// Commands on one stream run one at a time inside the process, so a
// command without If-Match never loses a race to another command of this
// process. When another process appended first, it is decided again on
// the fresh state (it did not depend on a version the caller saw), with
// a jittered backoff and for a bounded time. So is a command with
// If-Match on a TenantVersioned aggregate: the stream's versions say
// nothing of the tenant's, and its If-Match is compared again with the
// fresh state; the conflict of the append, which would tell the caller
// the stream's versions (another tenant's changes), is never answered.
func AggregateHandler[A domain.Aggregate, C any](repo *Repository, mode Mode, newAggregate func(C) A, decide func(context.Context, A, C) error) CommandHandler[C] {
	var zero A
	_, tenantVersioned := any(zero).(TenantVersioned)
	return func(ctx context.Context, cmd C) (Result, error) {
		expected := MetaFrom(ctx).ExpectedVersion
		var stream string
		fresh := func() domain.Aggregate {
			a := newAggregate(cmd)
			stream = a.Root().ID()
			return a
		}
		// seen is the tenant's version once decide raised its events,
		// for a TenantVersioned aggregate (the last decision wins: a
		// retry decides again, an answered command id decides on the
		// state its first run saw).
		var seen *uint64
		res, err := repo.command(ctx, fresh, func(a domain.Aggregate) error {
			if err := check(ctx, mode, a.(A), cmd, decide); err != nil {
				return err
			}
			if tv, ok := a.(TenantVersioned); ok {
				v := tv.VersionIn(TenantOf(ctx))
				seen = &v
			}
			return nil
		}, (expected == nil || tenantVersioned) && mode != MustBeNew)
		if mode == MustBeNew && expected == nil && isVersionConflict(err) {
			return Result{}, alreadyExists(stream)
		}
		if err == nil && seen != nil {
			res.Version = *seen
		}
		return res, err
	}
}

// check applies mode and If-Match (a's version in the tenant ctx works
// in) to the loaded a, then decides.
func check[A domain.Aggregate, C any](ctx context.Context, mode Mode, a A, cmd C, decide func(context.Context, A, C) error) error {
	root := a.Root()
	switch {
	case mode == MustExist && !root.Exists():
		return domain.Errorf(domain.KindNotFound, "not_found", "%s does not exist", root.ID())
	case mode == MustBeNew && root.Exists():
		return alreadyExists(root.ID())
	}
	if ev := MetaFrom(ctx).ExpectedVersion; ev != nil {
		if v := versionIn(TenantOf(ctx), a); *ev != v {
			return domain.VersionConflict(root.ID(), domain.ExpectedVersion(*ev), v)
		}
	}
	return decide(ctx, a, cmd)
}

func alreadyExists(stream string) error {
	return domain.Errorf(domain.KindConflict, "already_exists", "%s already exists", stream)
}

func isVersionConflict(err error) bool { return hasCode(err, "version_conflict") }

func hasCode(err error, code string) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Code == code
}
