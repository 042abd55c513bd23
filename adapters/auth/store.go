package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

const schema = `
CREATE TABLE IF NOT EXISTS credentials (
	user_id    TEXT PRIMARY KEY,
	hash       TEXT NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
	id_hash    TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL,
	csrf       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	seen_at    INTEGER NOT NULL,
	enrol_only INTEGER NOT NULL DEFAULT 0,
	tenant     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
CREATE TABLE IF NOT EXISTS token_use (
	token_id  TEXT PRIMARY KEY,
	last_used INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS totp (
	user_id   TEXT PRIMARY KEY,
	secret    BLOB NOT NULL,
	enabled   INTEGER NOT NULL,
	last_step INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS recovery_codes (
	user_id TEXT NOT NULL,
	hash    TEXT NOT NULL,
	PRIMARY KEY (user_id, hash)
);
CREATE TABLE IF NOT EXISTS setup_links (
	hash       TEXT PRIMARY KEY,
	email      TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);`

// Store is auth.db: password hashes, sessions (by the hash of their id),
// when each token was last used, TOTP secrets and recovery codes (by
// hash), and pending setup links (by hash).
// Times are Unix nanoseconds.
type Store struct {
	db   *sql.DB
	keys Sealer
}

// errNotFound is a missing record.
var errNotFound = errors.New("not found")

// OpenStore opens (creating if needed) the store at path, sealing the
// TOTP secrets with keys.
func OpenStore(path string, keys Sealer) (*Store, error) {
	if keys == nil {
		return nil, errors.New("sqlite auth: no master key to seal TOTP secrets with")
	}
	if err := ownerOnly(path); err != nil {
		return nil, fmt.Errorf("sqlite auth %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, fmt.Errorf("sqlite auth %s: %w", path, err)
	}
	if err := migrate(db); err != nil {
		return nil, fmt.Errorf("sqlite auth %s: %w", path, errors.Join(err, db.Close()))
	}
	return &Store{db: db, keys: keys}, nil
}

// ownerOnly creates the file at path readable by its owner alone (0600),
// or narrows an existing one to that: it holds password hashes, TOTP
// secrets and session records. SQLite gives its -wal and -shm files the
// database file's mode.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// migrate creates the tables, and adds enrol_only to a sessions table
// from before TOTP.
func migrate(db *sql.DB) error {
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return err
	}
	// Columns added since the table was first made.
	for column, ddl := range map[string]string{
		"enrol_only": `ALTER TABLE sessions ADD COLUMN enrol_only INTEGER NOT NULL DEFAULT 0`,
		"tenant":     `ALTER TABLE sessions ADD COLUMN tenant TEXT NOT NULL DEFAULT ''`,
	} {
		var has bool
		if err := db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM pragma_table_info('sessions') WHERE name = ?`, column).Scan(&has); err != nil {
			return err
		}
		if !has {
			if _, err := db.ExecContext(ctx, ddl); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) credential(ctx context.Context, userID string) (string, error) {
	var hash string
	err := s.db.QueryRowContext(ctx, `SELECT hash FROM credentials WHERE user_id = ?`, userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNotFound
	}
	return hash, err
}

func (s *Store) setCredential(ctx context.Context, userID, hash string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO credentials (user_id, hash, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`, userID, hash, at.UnixNano())
	return err
}

// session is a stored session. EnrolOnly marks a session of a user whose
// role requires TOTP and who has none yet: it may enrol and nothing else.
type session struct {
	UserID    string
	CSRF      string
	Created   time.Time
	Seen      time.Time
	EnrolOnly bool
	// Tenant is the tenant the session works in; "" is the user's first.
	Tenant string
}

func (s *Store) addSession(ctx context.Context, idHash string, ss session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, created_at, seen_at, enrol_only, tenant) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		idHash, ss.UserID, ss.CSRF, ss.Created.UnixNano(), ss.Seen.UnixNano(), ss.EnrolOnly, ss.Tenant)
	return err
}

func (s *Store) session(ctx context.Context, idHash string) (session, error) {
	var ss session
	var created, seen int64
	err := s.db.QueryRowContext(ctx, `SELECT user_id, csrf, created_at, seen_at, enrol_only, tenant FROM sessions WHERE id_hash = ?`, idHash).
		Scan(&ss.UserID, &ss.CSRF, &created, &seen, &ss.EnrolOnly, &ss.Tenant)
	if errors.Is(err, sql.ErrNoRows) {
		return ss, errNotFound
	}
	ss.Created, ss.Seen = time.Unix(0, created), time.Unix(0, seen)
	return ss, err
}

func (s *Store) touchSession(ctx context.Context, idHash string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET seen_at = ? WHERE id_hash = ?`, at.UnixNano(), idHash)
	return err
}

func (s *Store) setSessionTenant(ctx context.Context, idHash, tenant string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET tenant = ? WHERE id_hash = ?`, tenant, idHash)
	return err
}

func (s *Store) deleteSession(ctx context.Context, idHash string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
	return err
}

func (s *Store) deleteSessionsOf(ctx context.Context, userID string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return err
}

func (s *Store) tokenUsed(ctx context.Context, tokenID string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO token_use (token_id, last_used) VALUES (?, ?)
		ON CONFLICT (token_id) DO UPDATE SET last_used = excluded.last_used`, tokenID, at.UnixNano())
	return err
}

// lastUsed returns when the token was last used, the zero time if never.
func (s *Store) lastUsed(ctx context.Context, tokenID string) (time.Time, error) {
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT last_used FROM token_use WHERE token_id = ?`, tokenID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return time.Unix(0, at), err
}

func (s *Store) addSetupLink(ctx context.Context, hash, email string, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO setup_links (hash, email, expires_at) VALUES (?, ?, ?)`, hash, email, expires.UnixNano())
	return err
}

// takeSetupLink deletes the link and returns its email, if it was there
// and unexpired at now: a link works once.
func (s *Store) takeSetupLink(ctx context.Context, hash string, now time.Time) (string, error) {
	var email string
	var expires int64
	err := s.db.QueryRowContext(ctx, `DELETE FROM setup_links WHERE hash = ? RETURNING email, expires_at`, hash).Scan(&email, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && now.UnixNano() >= expires) {
		return "", errNotFound
	}
	return email, err
}

// totpState is a user's TOTP enrolment.
type totpState struct {
	Secret   []byte
	Enabled  bool
	LastStep int64
}

func (s *Store) totp(ctx context.Context, userID string) (totpState, error) {
	var t totpState
	var stored []byte
	err := s.db.QueryRowContext(ctx, `SELECT secret, enabled, last_step FROM totp WHERE user_id = ?`, userID).Scan(&stored, &t.Enabled, &t.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return t, errNotFound
	}
	if err != nil {
		return t, err
	}
	t.Secret, err = s.openTOTP(userID, stored)
	return t, err
}

func (s *Store) setTOTP(ctx context.Context, userID string, t totpState) error {
	release := s.keys.Hold() // a rotation waits until the ciphertext is stored
	defer release()
	sealed, err := s.keys.Seal(t.Secret, totpLabel(userID))
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO totp (user_id, secret, enabled, last_step) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enabled = excluded.enabled, last_step = excluded.last_step`,
		userID, []byte(sealed), t.Enabled, t.LastStep)
	return err
}

// useTOTPStep records step as used, unless a later one was: two logins
// racing with one code cannot both pass.
func (s *Store) useTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE totp SET last_step = ? WHERE user_id = ? AND last_step < ?`, step, userID, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// setRecoveryCodes replaces the user's recovery codes with hashes.
func (s *Store) setRecoveryCodes(ctx context.Context, userID string, hashes []string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, hash) VALUES (?, ?)`, userID, h); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// takeRecoveryCode deletes the code and reports whether it was there: a
// recovery code works once.
func (s *Store) takeRecoveryCode(ctx context.Context, userID, hash string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ? AND hash = ?`, userID, hash)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *Store) deleteTOTP(ctx context.Context, userID string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM totp WHERE user_id = ?`, userID)
	return err
}
