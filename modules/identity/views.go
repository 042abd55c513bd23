package identity

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// usersCollection backs identity.users: one document per user.
var usersCollection = application.CollectionSpec{
	Name: "identity_users",
	Fields: []application.FieldSpec{
		{Name: "id", Type: application.String}, {Name: "email", Type: application.String},
		{Name: "displayName", Type: application.String}, {Name: "status", Type: application.String},
	},
	Indexes: [][]string{{"email"}, {"displayName"}},
}

// UserRow is a document of identity.users. It has no password data: the
// credential store holds that, and no view reads it.
type UserRow struct {
	ID          string   `json:"id"`
	Email       string   `json:"email"`
	DisplayName string   `json:"displayName"`
	Status      string   `json:"status"`
	Roles       []string `json:"roles"`
	Teams       []string `json:"teams"`
	// TOTP tells whether the user signs in with a one-time code too.
	TOTP    bool   `json:"totp"`
	Version uint64 `json:"version"`
}

func usersProjection() *application.Projection {
	p := application.NewProjection("identity.users", usersCollection)
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e UserCreated) error {
		row := UserRow{ID: e.UserID, Email: e.Email, DisplayName: e.DisplayName, Status: "active", Roles: []string{}, Teams: []string{}}
		return putRow(ctx, tx, usersCollection.Name, row.ID, env, &row, &row.Version)
	})
	onUser(p, func(r *UserRow, e UserRenamed) { r.DisplayName = e.DisplayName })
	onUser(p, func(r *UserRow, _ UserDisabled) { r.Status = "disabled" })
	onUser(p, func(r *UserRow, _ UserEnabled) { r.Status = "active" })
	onUser(p, func(r *UserRow, e RoleGranted) { r.Roles = append(r.Roles, e.Role) })
	onUser(p, func(r *UserRow, e RoleRevoked) {
		r.Roles = slices.DeleteFunc(r.Roles, func(x string) bool { return x == e.Role })
	})
	onUser(p, func(r *UserRow, e TeamJoined) { r.Teams = append(r.Teams, e.Team) })
	onUser(p, func(r *UserRow, e TeamLeft) {
		r.Teams = slices.DeleteFunc(r.Teams, func(x string) bool { return x == e.Team })
	})
	onUser(p, func(r *UserRow, _ SecondFactorEnabled) { r.TOTP = true })
	onUser(p, func(r *UserRow, _ SecondFactorDisabled) { r.TOTP = false })
	return p
}

// onUser handles E by changing the user's row.
func onUser[E interface {
	domain.Event
	user() string
}](p *application.Projection, change func(*UserRow, E)) {
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e E) error {
		var row UserRow
		if err := getRow(ctx, tx, usersCollection.Name, e.user(), &row); err != nil {
			return err
		}
		change(&row, e)
		return putRow(ctx, tx, usersCollection.Name, row.ID, env, &row, &row.Version)
	})
}

func (e UserRenamed) user() string  { return e.UserID }
func (e UserDisabled) user() string { return e.UserID }
func (e UserEnabled) user() string  { return e.UserID }
func (e RoleGranted) user() string  { return e.UserID }
func (e RoleRevoked) user() string  { return e.UserID }
func (e TeamJoined) user() string   { return e.UserID }
func (e TeamLeft) user() string     { return e.UserID }

func (e SecondFactorEnabled) user() string  { return e.UserID }
func (e SecondFactorDisabled) user() string { return e.UserID }

// rolesCollection backs identity.roles: one document per defined role.
var rolesCollection = application.CollectionSpec{
	Name:    "identity_roles",
	Fields:  []application.FieldSpec{{Name: "role", Type: application.String}},
	Indexes: [][]string{{"role"}},
}

// RoleRow is a document of identity.roles.
type RoleRow struct {
	Role        string   `json:"role"`
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
	RequireTOTP bool     `json:"requireTotp"`
	Version     uint64   `json:"version"`
}

func rolesProjection() *application.Projection {
	p := application.NewProjection("identity.roles", rolesCollection)
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e RoleDefined) error {
		row := RoleRow{Role: e.Role, Description: e.Description, Permissions: e.Permissions, RequireTOTP: e.RequireTOTP}
		return putRow(ctx, tx, rolesCollection.Name, row.Role, env, &row, &row.Version)
	})
	return p
}

// tokensCollection backs identity.tokens: one document per API token.
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

func tokensProjection() *application.Projection {
	p := application.NewProjection("identity.tokens", tokensCollection)
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

// putRow stores row with its stream version, for If-Match.
func putRow(ctx context.Context, tx application.ReadModelTx, collection, id string, env domain.Envelope, row any, version *uint64) error {
	*version = env.StreamVersion
	return tx.Upsert(ctx, collection, id, row)
}
