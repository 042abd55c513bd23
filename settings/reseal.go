package settings

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Resealed records that the secrets of a settings document were sealed
// again under the current master key (`webos keys rotate`): Values is
// the whole document, as in Changed, with the new ciphertexts and the
// same plaintexts; Key is the id of the key that sealed them.
type Resealed struct {
	Scope  Scope          `json:"scope"`
	Module string         `json:"module"`
	Owner  string         `json:"owner"`
	Values map[string]any `json:"values"`
	Key    string         `json:"key"`
}

// EventType names the event.
func (Resealed) EventType() string { return "settings.Resealed" }

// docRef names one stored settings document.
type docRef struct {
	Scope  Scope  `json:"scope"`
	Module string `json:"module"`
	Owner  string `json:"owner"`
}

// feedPage is how many events a scan of the feed reads at a time.
const feedPage = 1000

// documents lists every settings document of a registered section that
// events holds, by reading the whole feed.
func (s *Service) documents(ctx context.Context, events application.EventStore) ([]docRef, error) {
	seen := map[docRef]bool{}
	var out []docRef
	for after := uint64(0); ; {
		batch, err := events.ReadAll(ctx, after, feedPage)
		if err != nil {
			return nil, err
		}
		for _, env := range batch {
			after = env.Position
			if !strings.HasPrefix(env.Type, "settings.") {
				continue
			}
			var ref docRef
			if err := json.Unmarshal(env.Data, &ref); err != nil {
				return nil, fmt.Errorf("settings: event %s: %w", env.ID, err)
			}
			if _, err := s.section(ref.Scope, ref.Module); err == nil && !seen[ref] {
				seen[ref] = true
				out = append(out, ref)
			}
		}
		if len(batch) < feedPage {
			return out, nil
		}
	}
}

// CheckSecrets opens every secret of every settings document in events
// with the keyring, and fails on the first that does not open.
func (s *Service) CheckSecrets(ctx context.Context, events application.EventStore) error {
	refs, err := s.documents(ctx, events)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		sec, _ := s.section(ref.Scope, ref.Module)
		agg := newStored(ref.Scope, ref.Module, ref.Owner)
		if err := s.repo.Load(ctx, agg); err != nil {
			return err
		}
		if err := s.checkSecrets(sec, agg.values); err != nil {
			return err
		}
	}
	return nil
}

// Reseal seals under the current key every secret of every settings
// document that another key sealed, appending one Resealed per document
// it changes, and returns how many documents that is. Call CheckSecrets
// first: a secret that does not open stops Reseal at that document.
func (s *Service) Reseal(ctx context.Context, events application.EventStore) (int, error) {
	refs, err := s.documents(ctx, events)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ref := range refs {
		sec, _ := s.section(ref.Scope, ref.Module)
		changed := false
		h := application.AggregateHandler(s.repo, application.MustExist,
			func(struct{}) *stored { return newStored(ref.Scope, ref.Module, ref.Owner) },
			func(_ context.Context, agg *stored, _ struct{}) error {
				next, err := s.resealed(sec, agg.values)
				if changed = err == nil && next != nil; changed {
					domain.Raise(agg, Resealed{Scope: ref.Scope, Module: ref.Module, Owner: ref.Owner, Values: next, Key: s.keys.KeyID()})
				}
				return err
			})
		release := s.keys.Hold()
		_, err := h(ctx, struct{}{})
		release()
		if err != nil {
			return n, err
		}
		if changed {
			n++
		}
	}
	return n, nil
}

// resealed is values with every secret not under the current key sealed
// again, or nil when all are.
func (s *Service) resealed(sec *section, values document) (document, error) {
	var next document
	for _, path := range sec.secrets {
		v, ok := lookup(values, path)
		sealed, _ := v.(string)
		if !ok || s.keys.Current(sealed) {
			continue
		}
		label := sec.name() + pointerOf(path)
		plain, err := s.keys.Open(sealed, label)
		if err != nil {
			return nil, err
		}
		again, err := s.keys.Seal(plain, label)
		if err != nil {
			return nil, err
		}
		if next == nil {
			next = clone(values)
		}
		put(next, path, again)
	}
	return next, nil
}
