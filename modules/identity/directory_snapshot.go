package identity

import (
	"context"
	"encoding/json"
	"time"

	"github.com/webos-engine/webos/application"
)

// The Directory saves its state in the snapshot store, so a start reads
// only the events after it instead of the whole feed (about 3 s per
// million events). The snapshot is a cache like any other: a missing,
// older-format or foreign one (its event at the position differs) is
// ignored and the Directory reads from the start.
const (
	// directorySnapshot is the snapshot's stream id; no stream has it.
	directorySnapshot = "identity.$directory"
	// directorySchema is the format of the snapshot's data.
	directorySchema = 3 // 2: users' tenants, tokens' tenant; 3: roles, grants and teams per tenant
)

// snapshotAfter is how many events a Sync reads that a start would read
// again before it saves (see Sync; a variable for the tests).
var snapshotAfter uint64 = 10_000

// savedUser is an account as the snapshot keeps it.
type savedUser struct {
	ID                string              `json:"id"`
	Email             string              `json:"email"`
	DisplayName       string              `json:"displayName"`
	Active            bool                `json:"active"`
	Roles             map[string][]string `json:"roles"` // tenant -> roles
	Teams             map[string][]string `json:"teams"` // tenant -> teams
	Tenants           []string            `json:"tenants"`
	SessionsNotBefore time.Time           `json:"sessionsNotBefore"`
	Tokens            []string            `json:"tokens"`
}

// savedToken is a token as the snapshot keeps it.
type savedToken struct {
	application.APIToken
	SecretHash string `json:"secretHash"`
}

// directoryState is the snapshot's data.
type directoryState struct {
	Users []savedUser `json:"users"`
	// Roles and Teams are keyed as the Directory keys them.
	Roles  map[string]RoleDefined `json:"roles"`
	Tokens []savedToken           `json:"tokens"`
	Teams  map[string][]string    `json:"teams"`
}

// restore loads the saved state, if it fits the event store; d.syncMu
// is held and nothing was applied yet.
func (d *Directory) restore(ctx context.Context) error {
	snap, ok, err := d.snapshots.LoadSnapshot(ctx, directorySnapshot)
	if err != nil || !ok || snap.Schema != directorySchema || snap.EventHash == "" {
		return err
	}
	at, err := d.events.ReadAll(ctx, snap.Version-1, 1)
	if err != nil || len(at) == 0 || at[0].Position != snap.Version || at[0].Hash != snap.EventHash {
		return err // another history: read it all
	}
	var st directoryState
	if err := json.Unmarshal(snap.Data, &st); err != nil {
		return nil //nolint:nilerr // an unreadable cache is read again from the events
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, u := range st.Users {
		d.users[u.ID] = &account{Account: application.Account{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Active: u.Active,
			Tenants: u.Tenants, SessionsNotBefore: u.SessionsNotBefore}, roles: orEmpty(u.Roles), teams: orEmpty(u.Teams), tokens: u.Tokens}
		d.email[u.Email] = u.ID
	}
	for name, r := range st.Roles {
		d.roles[name] = r
	}
	for _, t := range st.Tokens {
		tok := t.APIToken
		tok.SecretHash = t.SecretHash
		d.tokens[t.ID] = tok
	}
	for team, ids := range st.Teams {
		d.teams[team] = ids
	}
	d.pos, d.hashPos, d.posHash = snap.Version, snap.Version, snap.EventHash
	return nil
}

// save stores the state at d.pos, checked against the hash of the event
// there; d.syncMu is held. Sync reads only the events it folds, so it
// knows the hash of the last of those: the one at d.pos is read here, and
// if there is none at d.pos the state is saved at the last event folded
// (a start then reads from there, and folds nothing before d.pos).
func (d *Directory) save(ctx context.Context) error {
	d.mu.RLock()
	pos, hashPos, hash := d.pos, d.hashPos, d.posHash
	d.mu.RUnlock()
	if pos != hashPos {
		at, err := d.events.ReadAll(ctx, pos-1, 1)
		if err != nil {
			return err
		}
		if len(at) == 1 && at[0].Position == pos {
			hashPos, hash = pos, at[0].Hash
		}
	}
	d.mu.RLock()
	st := directoryState{Roles: d.roles, Teams: d.teams}
	for _, u := range d.users {
		st.Users = append(st.Users, savedUser{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Active: u.Active,
			Roles: u.roles, Teams: u.teams, Tenants: u.Tenants, SessionsNotBefore: u.SessionsNotBefore, Tokens: u.tokens})
	}
	for _, t := range d.tokens {
		st.Tokens = append(st.Tokens, savedToken{APIToken: t, SecretHash: t.SecretHash})
	}
	data, err := json.Marshal(st)
	d.mu.RUnlock()
	if err != nil || hash == "" {
		return err
	}
	return d.snapshots.SaveSnapshot(ctx, application.Snapshot{StreamID: directorySnapshot, Version: hashPos, EventHash: hash,
		Schema: directorySchema, Data: data, TakenAt: time.Now().UTC()})
}

// orEmpty is m, or an empty map for nil (a user holding nothing anywhere).
func orEmpty(m map[string][]string) map[string][]string {
	if m == nil {
		return map[string][]string{}
	}
	return m
}
