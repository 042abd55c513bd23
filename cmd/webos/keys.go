package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/webos-engine/webos/settings"
)

// keysFollowEvery is how often serve reads master.key for a new key.
const keysFollowEvery = 2 * time.Second

// keysRetryEvery is how often serve tries again a reseal that failed.
const keysRetryEvery = time.Minute

// checkSecrets opens every sealed secret (the settings', auth.db's TOTP
// secrets) with the master keys, and fails on the first that does not.
func (e *engine) checkSecrets(ctx context.Context) error {
	if err := e.settings.CheckSecrets(ctx, e.events); err != nil {
		return err
	}
	return e.authStore.CheckSecrets(ctx)
}

// reseal seals under the current master key every secret another key
// sealed, after checking every one opens (else it writes nothing), then
// drops the old keys from master.key. It returns what it resealed.
func (e *engine) reseal(ctx context.Context) (documents, totp int, err error) {
	if err := e.checkSecrets(ctx); err != nil {
		return 0, 0, err
	}
	if documents, err = e.settings.Reseal(asSystem(ctx, "keys"), e.events); err != nil {
		return documents, 0, err
	}
	if totp, err = e.authStore.Reseal(ctx); err != nil {
		return documents, totp, err
	}
	_, err = e.keys.Retire()
	return documents, totp, err
}

// resealAtStart finishes what a rotation left (master.key or
// WEBOS_MASTER_KEY holding more than one key) and seals TOTP secrets an
// older version stored in plain. A failure is logged, not fatal: the
// secrets under the unknown key answer errors, the rest works.
func (e *engine) resealAtStart(ctx context.Context, log *slog.Logger) {
	var err error
	if len(e.keys.KeyIDs()) > 1 {
		err = e.logReseal(ctx, log)
	} else {
		_, err = e.authStore.Reseal(ctx)
	}
	if err != nil {
		log.Error("could not seal the secrets under the current master key", "key", e.keys.KeyID(), "error", err)
	}
}

// logReseal reseals and logs what it did.
func (e *engine) logReseal(ctx context.Context, log *slog.Logger) error {
	docs, totp, err := e.reseal(ctx)
	if err == nil {
		log.Info("secrets sealed under the current master key", "key", e.keys.KeyID(), "settings_documents", docs, "totp_secrets", totp)
	}
	return err
}

// followKeys reads master.key every interval until ctx ends, and closes
// the returned channel then. When `webos keys rotate` put a new key in
// it, new secrets are sealed under that key from then on, every stored
// one is resealed under it and the old keys leave the file. A failed
// reseal is logged and tried again every keysRetryEvery.
func (e *engine) followKeys(ctx context.Context, every time.Duration, log *slog.Logger) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		var failed time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				changed, err := e.keys.Reload()
				due := changed || (!failed.IsZero() && now.Sub(failed) >= keysRetryEvery)
				if err == nil && !due {
					continue
				}
				if err == nil {
					err = e.logReseal(ctx, log)
				}
				failed = time.Time{}
				if err != nil && ctx.Err() == nil {
					failed = now
					log.Error("could not seal the secrets under the new master key; retrying", "key", e.keys.KeyID(), "error", err)
				}
			}
		}
	}()
	return done
}

// keysRotate puts a new master key in master.key and reseals every
// secret under it: itself on a data dir no server holds, else by waiting
// for the running server to do it.
func keysRotate(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
	var f commonFlags
	f.register(fs)
	f.registerReadModels(fs)
	wait := fs.Duration("wait", 2*time.Minute, "how long to wait for a running server to reseal the secrets")
	rest, err := parse(fs, args, out)
	if err != nil {
		return err
	}
	if err := unexpected(rest); err != nil {
		return err
	}
	fromEnv := os.Getenv("WEBOS_MASTER_KEY") != ""
	e, err := openEngine(f, quietLog(out, f))
	if errors.Is(err, errDataDirInUse) {
		if fromEnv {
			return settings.ErrKeysFromEnvironment
		}
		return rotateUnderServer(ctx, f.dataDir, *wait, out)
	}
	if err != nil {
		return err
	}
	defer func() { _ = e.close() }() // nothing left to report a close error to
	old := e.keys.KeyIDs()
	if fromEnv && len(old) == 1 {
		return usageError{settings.ErrKeysFromEnvironment}
	}
	// A wrong key fails here, before a new key or an event is written.
	if err := e.checkSecrets(ctx); err != nil {
		return err
	}
	if !fromEnv {
		if _, err := settings.AddKey(f.dataDir); err != nil {
			return err
		}
		if _, err := e.keys.Reload(); err != nil {
			return err
		}
	}
	docs, totp, err := e.reseal(ctx)
	if err != nil {
		return fmt.Errorf("resealing under key %s (the old keys stay in use until it succeeds; run again): %w", e.keys.KeyID(), err)
	}
	fmt.Fprintln(out.stdout, e.keys.KeyID())
	fmt.Fprintf(out.stderr, "sealed %d settings documents and %d TOTP secrets under key %s (was %s)\n", docs, totp, e.keys.KeyID(), strings.Join(old, ", "))
	return nil
}

// rotateUnderServer adds the new key to master.key and waits for the
// server holding dataDir to reseal under it and retire the old ones.
func rotateUnderServer(ctx context.Context, dataDir string, wait time.Duration, out streams) error {
	old, err := settings.KeyFileIDs(dataDir)
	if err != nil {
		return err
	}
	id, err := settings.AddKey(dataDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(out.stderr, "new master key %s; waiting for the running server to reseal the secrets\n", id)
	deadline := time.Now().Add(wait)
	for {
		ids, err := settings.KeyFileIDs(dataDir)
		if err != nil {
			return err
		}
		if slices.Equal(ids, []string{id}) {
			fmt.Fprintln(out.stdout, id)
			fmt.Fprintf(out.stderr, "the server sealed every secret under key %s (was %s)\n", id, strings.Join(old, ", "))
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("the server has not resealed the secrets under key %s within %s (it seals new ones under it and keeps trying; see its log)", id, wait)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
