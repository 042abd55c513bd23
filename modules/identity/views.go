package identity

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// The identity module is shared by every tenant, but its views are
// filtered by tenant like any other (application.App.QueryView): its
// projections write each document for the tenant it belongs to
// (application.InTenant), so a tenant's administrators and auditors see
// the users, roles and tokens of their tenant only.

// usersCollection backs identity.users: one document per user and tenant
// the user belongs to, with the roles and teams the user holds there.
var usersCollection = application.CollectionSpec{
	Name: "identity_users",
	Fields: []application.FieldSpec{
		{Name: "id", Type: application.String}, {Name: "email", Type: application.String},
		{Name: "displayName", Type: application.String}, {Name: "status", Type: application.String},
	},
	Indexes: [][]string{{"email"}, {"displayName"}},
}

// profilesCollection keeps, once per user, what the user's documents in
// identity.users share and the tenants the user has one in. No view
// reads it.
var profilesCollection = application.CollectionSpec{
	Name:   "identity_user_profiles",
	Fields: []application.FieldSpec{{Name: "id", Type: application.String}},
}

// UserRow is a document of identity.users: a user as one tenant sees it.
// It has no password data: the credential store holds that, and no view
// reads it.
type UserRow struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	Status      string `json:"status"`
	// Roles and Teams are those the user holds in the document's tenant.
	Roles []string `json:"roles"`
	Teams []string `json:"teams"`
	// TOTP tells whether the user signs in with a one-time code too.
	TOTP bool `json:"totp"`
	// Version is the user's version in the document's tenant, for
	// If-Match on the user's commands sent there: it moves with what the
	// document shows only, never with another tenant's change (see
	// user_version.go).
	Version uint64 `json:"version"`
}

// userProfile is a document of profilesCollection.
type userProfile struct {
	ID          string   `json:"id"`
	Email       string   `json:"email"`
	DisplayName string   `json:"displayName"`
	Status      string   `json:"status"`
	TOTP        bool     `json:"totp"`
	Tenants     []string `json:"tenants"`
	// Versions counts the user's events each tenant sees, as the User
	// aggregate does.
	Versions userVersions `json:"versions"`
}

// Versions of the projections: 2 writes each document in its tenant
// (version 1 wrote one document per user, with the roles of every
// tenant, and roles and tokens unfiltered). The runtime rebuilds them
// from the events.
const viewsVersion = 2

// usersVersion is identity.users': 3 gives each document the user's
// version in its tenant instead of the stream's.
const usersVersion = 3

func usersProjection() *application.Projection {
	p := application.NewProjection("identity.users", usersCollection, profilesCollection).SetVersion(usersVersion)
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, _ domain.Envelope, e UserCreated) error {
		prof := userProfile{ID: e.UserID, Email: e.Email, DisplayName: e.DisplayName, Status: "active", Tenants: []string{e.Tenant}}
		prof.Versions.count(e)
		if err := tx.Upsert(ctx, profilesCollection.Name, prof.ID, prof); err != nil {
			return err
		}
		return writeRows(ctx, tx, prof, nil)
	})
	onUser(p, func(pr *userProfile, e UserRenamed) { pr.DisplayName = e.DisplayName }, nil)
	onUser(p, func(pr *userProfile, _ UserDisabled) { pr.Status = "disabled" }, nil)
	onUser(p, func(pr *userProfile, _ UserEnabled) { pr.Status = "active" }, nil)
	onUser(p, func(pr *userProfile, _ SecondFactorEnabled) { pr.TOTP = true }, nil)
	onUser(p, func(pr *userProfile, _ SecondFactorDisabled) { pr.TOTP = false }, nil)
	onUser(p, func(pr *userProfile, e TenantJoined) {
		if !slices.Contains(pr.Tenants, e.Tenant) {
			pr.Tenants = append(pr.Tenants, e.Tenant) // its document there starts without roles or teams
		}
	}, nil)
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, _ domain.Envelope, e TenantLeft) error {
		in, err := application.InTenant(tx, e.Tenant)
		if err != nil {
			return err
		}
		if err := in.Delete(ctx, usersCollection.Name, e.UserID); err != nil {
			return err
		}
		return changeUser(ctx, tx, e, e.UserID, func(pr *userProfile) {
			pr.Tenants = slices.DeleteFunc(pr.Tenants, func(t string) bool { return t == e.Tenant })
		}, nil)
	})
	onUser(p, nil, func(tenant string, r *UserRow, e RoleGranted) {
		if tenant == e.Tenant {
			r.Roles = append(r.Roles, e.Role)
		}
	})
	onUser(p, nil, func(tenant string, r *UserRow, e RoleRevoked) {
		if tenant == e.Tenant {
			r.Roles = slices.DeleteFunc(r.Roles, func(x string) bool { return x == e.Role })
		}
	})
	onUser(p, nil, func(tenant string, r *UserRow, e TeamJoined) {
		if tenant == e.Tenant {
			r.Teams = append(r.Teams, e.Team)
		}
	})
	onUser(p, nil, func(tenant string, r *UserRow, e TeamLeft) {
		if tenant == e.Tenant {
			r.Teams = slices.DeleteFunc(r.Teams, func(x string) bool { return x == e.Team })
		}
	})
	return p
}

// userEvent is an event of one user's stream.
type userEvent interface {
	domain.Event
	user() string
}

// onUser handles E by changing the user's profile (profile, nil: no
// change) and the user's document in each of its tenants (row, nil: no
// change but the version).
func onUser[E userEvent](p *application.Projection, profile func(*userProfile, E), row func(tenant string, r *UserRow, e E)) {
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, _ domain.Envelope, e E) error {
		var editProfile func(*userProfile)
		if profile != nil {
			editProfile = func(pr *userProfile) { profile(pr, e) }
		}
		var editRow func(string, *UserRow)
		if row != nil {
			editRow = func(tenant string, r *UserRow) { row(tenant, r, e) }
		}
		return changeUser(ctx, tx, e, e.user(), editProfile, editRow)
	})
}

// changeUser applies e, an event of user id: profile (if not nil)
// changes the profile, e is counted in the versions it moves, and every
// document of the user, in each tenant it belongs to, takes the profile,
// row's change (if not nil) and its version there.
func changeUser(ctx context.Context, tx application.ReadModelTx, e domain.Event, id string,
	profile func(*userProfile), row func(string, *UserRow)) error {
	var pr userProfile
	if err := getRow(ctx, tx, profilesCollection.Name, id, &pr); err != nil {
		return err
	}
	if profile != nil {
		profile(&pr)
	}
	pr.Versions.count(e)
	if err := tx.Upsert(ctx, profilesCollection.Name, id, pr); err != nil {
		return err
	}
	return writeRows(ctx, tx, pr, row)
}

// writeRows writes the document of pr's user in each of its tenants: a
// tenant it just joined gets one without roles or teams.
func writeRows(ctx context.Context, tx application.ReadModelTx, pr userProfile, row func(string, *UserRow)) error {
	for _, tenant := range pr.Tenants {
		in, err := application.InTenant(tx, tenant)
		if err != nil {
			return err
		}
		r := UserRow{Roles: []string{}, Teams: []string{}}
		if err := getRow(ctx, in, usersCollection.Name, pr.ID, &r); err != nil && domain.KindOf(err) != domain.KindNotFound {
			return err
		}
		r.ID, r.Email, r.DisplayName, r.Status, r.TOTP = pr.ID, pr.Email, pr.DisplayName, pr.Status, pr.TOTP
		if row != nil {
			row(tenant, &r)
		}
		r.Version = pr.Versions.in(tenant)
		if err := in.Upsert(ctx, usersCollection.Name, pr.ID, r); err != nil {
			return err
		}
	}
	return nil
}

func (e UserRenamed) user() string          { return e.UserID }
func (e UserDisabled) user() string         { return e.UserID }
func (e UserEnabled) user() string          { return e.UserID }
func (e RoleGranted) user() string          { return e.UserID }
func (e RoleRevoked) user() string          { return e.UserID }
func (e TeamJoined) user() string           { return e.UserID }
func (e TeamLeft) user() string             { return e.UserID }
func (e TenantJoined) user() string         { return e.UserID }
func (e SecondFactorEnabled) user() string  { return e.UserID }
func (e SecondFactorDisabled) user() string { return e.UserID }

// tokensCollection backs identity.tokens: one document per API token,
// in the tenant it works in.
var tokensCollection = application.CollectionSpec{
	Name: "identity_tokens",
	Fields: []application.FieldSpec{
		{Name: "id", Type: application.String}, {Name: "userId", Type: application.String},
		{Name: "name", Type: application.String}, {Name: "revoked", Type: application.Bool},
	},
	Indexes: [][]string{{"userId"}},
}

// TokenRow is a document of identity.tokens: never the secret's hash.
type TokenRow struct {
	ID          string   `json:"id"`
	UserID      string   `json:"userId"`
	Name        string   `json:"name"`
	Permissions []string `json:"permissions"`
	ExpiresAt   string   `json:"expiresAt"`
	Revoked     bool     `json:"revoked"`
}

// A token works in the tenant it was issued in, its TokenIssued
// event's: the handlers' own tenant, which stamps the document. Its
// TokenRevoked may come from another tenant's request (the command line,
// disabling the user), so the document is keyed by the token's id alone
// and revoking patches it where it is.
func tokensProjection() *application.Projection {
	p := application.NewProjection("identity.tokens", tokensCollection).SetVersion(viewsVersion)
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, _ domain.Envelope, e TokenIssued) error {
		row := TokenRow{ID: e.TokenID, UserID: e.UserID, Name: e.Name, Permissions: e.Permissions,
			ExpiresAt: e.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z")}
		return tx.Upsert(ctx, tokensCollection.Name, row.ID, row)
	})
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, _ domain.Envelope, e TokenRevoked) error {
		return tx.Patch(ctx, tokensCollection.Name, e.TokenID, map[string]any{"revoked": true})
	})
	return p
}

func getRow(ctx context.Context, tx application.ReadModelTx, collection, id string, row any) error {
	raw, err := tx.Get(ctx, collection, id)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, row)
}
