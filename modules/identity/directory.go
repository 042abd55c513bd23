package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// syncBatch is how many events one read of the feed takes while the
// Directory catches up.
const syncBatch = 1000

// Directory holds every user, role and API token in memory, roles, role
// grants and teams per tenant, built from
// the identity events of the feed. Sync brings it up to the head; the
// module's commands and the Directory's own operations call it before
// they answer, so their effect is visible to the very next request. A
// process that shares the event store with others (not the embedded
// SQLite one, which one process holds) calls Sync periodically to see
// theirs.
type Directory struct {
	events    application.EventStore
	snapshots application.SnapshotStore // nil: none
	repo      *application.Repository

	syncMu sync.Mutex // one Sync at a time
	mu     sync.RWMutex
	pos    uint64 // the feed's position read up to
	// hashPos is the position of the last event folded (or restored), at
	// or before pos, and posHash its hash: what a snapshot is checked
	// against (save).
	hashPos uint64
	posHash string
	started bool // the snapshot, if any, was looked at
	users   map[string]*account
	email   map[string]string // normalised email -> user id
	// roles and teams are keyed by application.TenantKey(tenant, name):
	// each tenant defines its own roles and has its own teams.
	roles  map[string]RoleDefined
	tokens map[string]application.APIToken
	teams  map[string][]string // team key -> member ids
}

// account is a user as the Directory keeps it: the embedded Account's
// Roles and Teams are unused, roles and teams hold them per tenant.
type account struct {
	application.Account
	roles  map[string][]string // tenant -> roles granted there
	teams  map[string][]string // tenant -> teams joined there
	tokens []string
}

func newDirectory(events application.EventStore, snapshots application.SnapshotStore) *Directory {
	return &Directory{events: events, snapshots: snapshots, users: map[string]*account{}, email: map[string]string{},
		roles: map[string]RoleDefined{}, tokens: map[string]application.APIToken{}, teams: map[string][]string{}}
}

func (d *Directory) bind(repo *application.Repository) { d.repo = repo }

// synced wraps h so the Directory is brought up to date after it
// succeeds.
func synced[C any](d *Directory, h application.CommandHandler[C]) application.CommandHandler[C] {
	return func(ctx context.Context, c C) (application.Result, error) {
		res, err := h(ctx, c)
		if err != nil {
			return res, err
		}
		return res, d.Sync(ctx)
	}
}

// Sync applies the identity events appended since the last Sync. The
// first starts from the saved state, if there is one that fits; a Sync
// that read far saves the state it reached. It reads only the events
// apply folds (directoryEvents), filtered by the store where it can.
func (d *Directory) Sync(ctx context.Context) (err error) {
	d.syncMu.Lock()
	defer d.syncMu.Unlock()
	if !d.started && d.snapshots != nil {
		if err := d.restore(ctx); err != nil {
			return fmt.Errorf("identity directory: %w", err)
		}
	}
	d.started = true
	// read counts what a start from the saved state would read again: on
	// a store that filters the feed only the identity events, on one that
	// does not every event, which its positions count.
	_, filtered := d.events.(application.FilteredFeed)
	var read uint64
	defer func() {
		if err == nil && read >= snapshotAfter && d.snapshots != nil {
			_ = d.save(ctx) // a cache: the next start reads more events without it
		}
	}()
	for {
		d.mu.RLock()
		pos := d.pos
		d.mu.RUnlock()
		batch, upTo, err := application.ReadFiltered(ctx, d.events, pos, directoryEvents, syncBatch)
		if err != nil {
			return fmt.Errorf("identity directory: %w", err)
		}
		if len(batch) == 0 && upTo <= pos {
			return nil
		}
		d.mu.Lock()
		for _, env := range batch {
			if err := d.apply(env); err != nil {
				d.mu.Unlock()
				return fmt.Errorf("identity directory: event %s: %w", env.ID, err)
			}
			d.pos, d.hashPos, d.posHash = env.Position, env.Position, env.Hash
		}
		d.pos = max(d.pos, upTo)
		d.mu.Unlock()
		if filtered {
			read += uint64(len(batch))
		} else {
			read += upTo - pos
		}
		if len(batch) < syncBatch {
			return nil
		}
	}
}

// directoryEvents selects the events apply folds; the module's others
// (a second factor enabled or disabled) change nothing the Directory
// keeps.
var directoryEvents = application.FeedFilter{Types: []string{
	UserCreated{}.EventType(), UserRenamed{}.EventType(), UserDisabled{}.EventType(), UserEnabled{}.EventType(),
	PasswordChanged{}.EventType(), RoleGranted{}.EventType(), RoleRevoked{}.EventType(), TeamJoined{}.EventType(),
	TeamLeft{}.EventType(), TenantJoined{}.EventType(), TenantLeft{}.EventType(), TokenIssued{}.EventType(),
	TokenRevoked{}.EventType(), RoleDefined{}.EventType(),
}}

// apply folds one identity event into the directory; d.mu is held.
func (d *Directory) apply(env domain.Envelope) error {
	var e struct {
		UserCreated
		Role        string    `json:"role"`
		Team        string    `json:"team"`
		Tenant      string    `json:"tenant"`
		TokenID     string    `json:"tokenId"`
		Name        string    `json:"name"`
		Permissions []string  `json:"permissions"`
		ExpiresAt   time.Time `json:"expiresAt"`
		SecretHash  string    `json:"secretHash"`
		RequireTOTP bool      `json:"requireTotp"`
	}
	if err := json.Unmarshal(env.Data, &e); err != nil {
		return err
	}
	u := d.users[e.UserID]
	if u == nil && env.Type != "identity.UserCreated" && env.Type != "identity.RoleDefined" {
		return fmt.Errorf("%s of unknown user %s", env.Type, e.UserID)
	}
	// The tenant a grant, team or role holds in (an old event names none:
	// its envelope's, as Decode gives it).
	in := recordedTenant(e.Tenant, env.Tenant)
	switch strings.TrimPrefix(env.Type, "identity.") {
	case "UserCreated":
		// The user belongs to the tenant it was created in: the creator's.
		d.users[e.UserID] = &account{Account: application.Account{ID: e.UserID, Email: e.Email, DisplayName: e.DisplayName,
			Active: true, Tenants: []string{in}}, roles: map[string][]string{}, teams: map[string][]string{}}
		d.email[e.Email] = e.UserID
	case "UserRenamed":
		u.DisplayName = e.DisplayName
	case "UserDisabled":
		u.Active, u.SessionsNotBefore = false, env.RecordedAt
	case "UserEnabled":
		u.Active = true
	case "PasswordChanged":
		u.SessionsNotBefore = env.RecordedAt
	case "RoleGranted":
		u.roles[in] = append(slices.Clone(u.roles[in]), e.Role)
	case "RoleRevoked":
		u.roles[in] = slices.DeleteFunc(slices.Clone(u.roles[in]), func(r string) bool { return r == e.Role })
	case "TeamJoined":
		u.teams[in] = append(slices.Clone(u.teams[in]), e.Team)
		key := application.TenantKey(in, e.Team)
		d.teams[key] = append(slices.Clone(d.teams[key]), e.UserID)
	case "TeamLeft":
		d.leaveTeam(u, in, e.Team)
	case "TenantJoined":
		if !u.MemberOf(e.Tenant) { // (an old event may name the user's first tenant)
			u.Tenants = append(slices.Clone(u.TenantList()), e.Tenant)
			d.forget(u, e.Tenant)
		}
	case "TenantLeft":
		u.Tenants = slices.DeleteFunc(slices.Clone(u.TenantList()), func(t string) bool { return t == e.Tenant })
		d.forget(u, e.Tenant)
	case "TokenIssued":
		// The token works in the tenant its issuer worked in.
		d.tokens[e.TokenID] = application.APIToken{ID: e.TokenID, UserID: e.UserID, Tenant: in, Name: e.Name,
			Permissions: e.Permissions, ExpiresAt: e.ExpiresAt, SecretHash: e.SecretHash}
		u.tokens = append(u.tokens, e.TokenID)
	case "TokenRevoked":
		t := d.tokens[e.TokenID]
		t.Revoked = true
		d.tokens[e.TokenID] = t
	case "RoleDefined":
		d.roles[application.TenantKey(in, e.Role)] = RoleDefined{Role: e.Role, Tenant: in, Permissions: e.Permissions, RequireTOTP: e.RequireTOTP}
	}
	return nil
}

// leaveTeam takes u out of team in tenant; d.mu is held.
func (d *Directory) leaveTeam(u *account, tenant, team string) {
	u.teams[tenant] = slices.DeleteFunc(slices.Clone(u.teams[tenant]), func(t string) bool { return t == team })
	key := application.TenantKey(tenant, team)
	d.teams[key] = slices.DeleteFunc(slices.Clone(d.teams[key]), func(id string) bool { return id == u.ID })
}

// forget drops the roles and teams u holds in tenant, which a user
// joining or leaving the tenant does not keep; d.mu is held.
func (d *Directory) forget(u *account, tenant string) {
	for _, team := range slices.Clone(u.teams[tenant]) {
		d.leaveTeam(u, tenant, team)
	}
	delete(u.teams, tenant)
	delete(u.roles, tenant)
}

// access is what u holds in each tenant it is a member of or holds
// anything in; d.mu is held.
func (d *Directory) access(u *account) map[string]application.Holding {
	out := map[string]application.Holding{}
	for _, t := range u.TenantList() {
		out[t] = application.Holding{}
	}
	for t := range u.roles {
		out[t] = application.Holding{}
	}
	for t := range u.teams {
		out[t] = application.Holding{}
	}
	for t := range out {
		out[t] = application.Holding{Roles: slices.Clone(u.roles[t]), Grants: d.grants(t, u.roles[t]),
			Teams: slices.Clone(u.teams[t]), Mates: d.mates(u, t)}
	}
	return out
}

// mates are the ids of u and of the members of u's teams in tenant,
// sorted; d.mu is held.
func (d *Directory) mates(u *account, tenant string) []string {
	out := []string{u.ID}
	for _, t := range u.teams[tenant] {
		out = append(out, d.teams[application.TenantKey(tenant, t)]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// grants are the permission patterns roles hold in tenant; d.mu is held.
func (d *Directory) grants(tenant string, roles []string) []string {
	out := []string{}
	for _, r := range roles {
		if g, ok := builtIn[r]; ok {
			out = append(out, g...)
			continue
		}
		out = append(out, d.roles[application.TenantKey(tenant, r)].Permissions...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// totpRequired reports whether one of the roles u holds, in any tenant,
// requires TOTP; d.mu is held.
func (d *Directory) totpRequired(u *account) bool {
	for t, roles := range u.roles {
		if slices.ContainsFunc(roles, func(r string) bool { return d.roles[application.TenantKey(t, r)].RequireTOTP }) {
			return true
		}
	}
	return false
}

// grantable refuses roles that do not exist in the tenant ctx works in,
// any role at all unless the principal may grant roles (creating a user
// with roles must not be a way around identity.roles.grant), and a role
// granting what the principal does not hold (capped).
func (d *Directory) grantable(ctx context.Context, roles []string, pointer string) error {
	if len(roles) == 0 {
		return nil
	}
	if p, ok := application.PrincipalFrom(ctx); ok && !p.Allows(application.Permission{Name: PermissionGrantRoles}) {
		return domain.Errorf(domain.KindForbidden, "forbidden", "you lack the permission %s needed to grant roles", PermissionGrantRoles)
	}
	tenant := application.TenantOf(ctx)
	d.mu.RLock()
	defer d.mu.RUnlock()
	var bad []domain.FieldError
	for i, r := range roles {
		_, defined := d.roles[application.TenantKey(tenant, r)]
		if _, ok := builtIn[r]; !ok && !defined {
			ptr := "/role"
			if pointer != "" {
				ptr = domain.Pointer(strings.TrimPrefix(pointer, "/"), itoa(i))
			}
			bad = append(bad, domain.FieldError{Pointer: ptr, Detail: "no role is called " + r})
		}
	}
	if bad != nil {
		return domain.Invalid("unknown role", bad...)
	}
	for _, r := range roles {
		if err := capped(ctx, "grant the role "+r, d.grants(tenant, []string{r})); err != nil {
			return err
		}
	}
	return nil
}
