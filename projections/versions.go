package projections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// versionsCollection holds one record per projection (versionRecord):
// which version serves its views, which one is being built and which
// ones wait to be dropped. It lives in the read-model store because it
// describes what that store holds.
var versionsCollection = application.CollectionSpec{Name: "engine.projection_versions"}

// versionsWriter is the name under which the records are written, which
// every read-model write is stored under; nothing resumes from it.
const versionsWriter = "$engine.projection_versions"

// deployment is one version of a projection as stored: the version and
// its collections as the projection names them. The store holds them
// under application.VersionedName, and its checkpoint under the
// projection's name so versioned.
type deployment struct {
	Version     int      `json:"version"`
	Collections []string `json:"collections"`
}

// key is the name of the deployment's checkpoint.
func (d deployment) key(projection string) string {
	return application.VersionedName(projection, d.Version)
}

// stored is the names of the deployment's collections in the store.
func (d deployment) stored() []string {
	out := make([]string, len(d.Collections))
	for i, c := range d.Collections {
		out[i] = application.VersionedName(c, d.Version)
	}
	return out
}

// versionRecord is a projection's versions. A store without a record is
// one written before versions existed: version 1 serves.
type versionRecord struct {
	Serving  deployment   `json:"serving"`
	Building *deployment  `json:"building,omitempty"`
	Retired  []deployment `json:"retired,omitempty"`
}

func (rt *Runtime) loadRecord(ctx context.Context, projection string, current deployment) (versionRecord, error) {
	rec := versionRecord{Serving: deployment{Version: 1, Collections: current.Collections}}
	raw, err := rt.store.Get(ctx, versionsCollection.Name, projection)
	switch {
	case domain.KindOf(err) == domain.KindNotFound:
		return rec, nil
	case err != nil:
		return rec, err
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return rec, fmt.Errorf("the version record of projection %s: %w", projection, err)
	}
	return rec, nil
}

func (rt *Runtime) saveRecord(ctx context.Context, projection string, rec versionRecord) error {
	return rt.store.Apply(ctx, versionsWriter, application.Checkpoint{}, func(tx application.ReadModelTx) error {
		return tx.Upsert(ctx, versionsCollection.Name, projection, rec)
	})
}

// prepare settles which version of r's projection serves its views and
// declares the collections of the version r runs. When that version is
// not the serving one, it is to be built: from its own checkpoint if a
// build of it was under way, else from the start into collections emptied
// of whatever an earlier life of that version left there (a crash, or a
// version bumped down to one that served before). A serving version that
// has applied nothing is replaced at once: it has no views to keep.
// Retired versions are dropped last.
func (rt *Runtime) prepare(ctx context.Context, r *runner) error {
	name, want := r.p.Name(), r.dep
	rec, err := rt.loadRecord(ctx, name, want)
	if err != nil {
		return err
	}
	loaded, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	var servingAt application.Checkpoint
	if rec.Serving.Version != want.Version {
		if servingAt, err = rt.store.Checkpoint(ctx, rec.Serving.key(name)); err != nil {
			return err
		}
		if servingAt.Position == 0 {
			rec.Retired = append(rec.Retired, rec.Serving)
			rec.Serving = want
		}
	}
	fresh := false
	switch {
	case rec.Serving.Version == want.Version:
		rec.Serving = want // the declaration may name new collections
		if rec.Building != nil && rec.Building.Version != want.Version {
			rec.Retired = append(rec.Retired, *rec.Building)
		}
		rec.Building = nil
	case rec.Building != nil && rec.Building.Version == want.Version:
		rec.Building = &want // resume the build from its checkpoint
	default:
		if rec.Building != nil {
			rec.Retired = append(rec.Retired, *rec.Building)
		}
		rec.Building, fresh = &want, true
	}
	if fresh {
		if err := rt.clear(ctx, name, want); err != nil {
			return err
		}
	}
	if err := rt.declare(ctx, r); err != nil {
		return err
	}
	if now, err := json.Marshal(rec); err != nil || string(now) != string(loaded) {
		if err := errors.Join(err, rt.saveRecord(ctx, name, rec)); err != nil {
			return err
		}
	}
	var prev *runner
	if old := r.p.Previous(); rec.Building != nil && old != nil && old.Version() == rec.Serving.Version {
		// The old version's code is kept: it runs on until the switch.
		prev = rt.newRunner(old)
		if err := rt.declare(ctx, prev); err != nil {
			return err
		}
	}
	r.mu.Lock()
	r.prev = prev
	r.mu.Unlock()
	if rec.Building != nil {
		rt.log.Info("projection version is rebuilt in the background; the serving version keeps serving its views",
			"projection", name, "serving", rec.Serving.Version, "building", want.Version, "resumed", !fresh,
			"serving_runs", prev != nil)
		r.serveOld(rec.Serving, servingAt.Position)
		rt.serving.route(rec.Serving.Version, rec.Serving.Collections, nil)
		// A collection only the new version has is served as it is built:
		// no older one holds it.
		var added []string
		for _, c := range want.Collections {
			if !slices.Contains(rec.Serving.Collections, c) {
				added = append(added, c)
			}
		}
		rt.serving.route(want.Version, added, nil)
	} else {
		r.serveOld(deployment{}, 0)
		rt.serving.route(want.Version, want.Collections, nil)
	}
	return rt.dropRetired(ctx, name, rec)
}

// declare creates the collections of r's version.
func (rt *Runtime) declare(ctx context.Context, r *runner) error {
	for _, spec := range r.p.Collections() {
		spec.Name = application.VersionedName(spec.Name, r.dep.Version)
		if err := rt.store.Declare(ctx, spec); err != nil {
			return fmt.Errorf("declare %s: %w", spec.Name, err)
		}
	}
	return nil
}

// promote makes the version r has built serve the projection's views,
// once it has caught up with the feed: it records the switch, points the
// views at it (waiting out the reads in flight on the old version), stops
// the old version if its code ran, then drops the old version's
// collections and checkpoint.
func (rt *Runtime) promote(ctx context.Context, r *runner) error {
	name := r.p.Name()
	rec, err := rt.loadRecord(ctx, name, r.dep)
	if err != nil {
		return err
	}
	old := rec.Serving
	if old.Version != r.dep.Version {
		rec.Retired = append(rec.Retired, old)
	}
	rec.Serving, rec.Building = r.dep, nil
	if err := rt.saveRecord(ctx, name, rec); err != nil {
		return err
	}
	var gone []string
	for _, c := range old.Collections {
		if !slices.Contains(r.dep.Collections, c) {
			gone = append(gone, c)
		}
	}
	rt.serving.route(r.dep.Version, r.dep.Collections, gone)
	var prev *runner
	var stopPrev func()
	r.set(func(*Status) {
		prev, stopPrev = r.prev, r.stopPrev
		r.old, r.oldAt, r.prev, r.stopPrev = deployment{}, 0, nil, nil
	})
	if stopPrev != nil {
		stopPrev()
	}
	if prev != nil {
		prev.set(func(*Status) {}) // wakes the readers waiting on it
	}
	rt.log.Info("projection version now serves its views", "projection", name, "version", r.dep.Version,
		"replaced", old.Version)
	if err := rt.dropRetired(ctx, name, rec); err != nil {
		// The record still lists them: the next start drops them.
		rt.log.Warn("old projection version not dropped; the next start drops it", "projection", name, "error", err)
	}
	return nil
}

// dropRetired drops the collections and checkpoints of rec's retired
// versions, then records that they are gone. A retired version that is
// also the serving one or the one being built (a record written by hand)
// is never dropped.
func (rt *Runtime) dropRetired(ctx context.Context, name string, rec versionRecord) error {
	if len(rec.Retired) == 0 {
		return nil
	}
	for _, d := range rec.Retired {
		if d.Version == rec.Serving.Version || (rec.Building != nil && d.Version == rec.Building.Version) {
			continue
		}
		if err := rt.clear(ctx, name, d); err != nil {
			return err
		}
		rt.log.Info("projection version dropped", "projection", name, "version", d.Version)
	}
	rec.Retired = nil
	return rt.saveRecord(ctx, name, rec)
}

// clear drops a deployment's collections and its checkpoint.
func (rt *Runtime) clear(ctx context.Context, name string, d deployment) error {
	if err := rt.store.Reset(ctx, d.key(name), d.stored()); err != nil {
		return err
	}
	return rt.store.Drop(ctx, d.stored())
}
