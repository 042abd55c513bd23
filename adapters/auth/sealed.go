package auth

import (
	"context"
	"errors"
)

// Sealer encrypts the secrets auth.db keeps (TOTP secrets) under the
// master key: settings.Keyring.
type Sealer interface {
	// Seal encrypts plain under the current key, bound to label.
	Seal(plain []byte, label string) (string, error)
	// Open decrypts what Seal returned for label, under any key held.
	Open(sealed, label string) ([]byte, error)
	// IsSealed reports whether s has the form of a ciphertext.
	IsSealed(s string) bool
	// Current reports whether sealed is under the current key.
	Current(sealed string) bool
	// Hold keeps the current key until release: from sealing to storing.
	Hold() (release func())
}

// totpLabel binds a TOTP secret's ciphertext to its user.
func totpLabel(userID string) string { return "auth:totp/" + userID }

// openTOTP is the secret stored for userID: opened, or as it is when it
// was stored in plain before secrets were sealed (Reseal seals it).
func (s *Store) openTOTP(userID string, stored []byte) ([]byte, error) {
	if !s.keys.IsSealed(string(stored)) {
		return stored, nil
	}
	return s.keys.Open(string(stored), totpLabel(userID))
}

// CheckSecrets opens every TOTP secret, failing on the first that does
// not open under the master keys.
func (s *Store) CheckSecrets(ctx context.Context) error {
	_, err := s.sealedTOTP(ctx, false)
	return err
}

// Reseal seals under the current key every TOTP secret stored under
// another key or in plain, after checking that every one opens (else it
// writes nothing), and returns how many it sealed.
func (s *Store) Reseal(ctx context.Context) (int, error) {
	return s.sealedTOTP(ctx, true)
}

// sealedTOTP opens every TOTP secret and, when write is set, stores
// again under the current key those that are not, in one transaction.
func (s *Store) sealedTOTP(ctx context.Context, write bool) (int, error) {
	release := s.keys.Hold()
	defer release()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, `SELECT user_id, secret FROM totp`)
	if err != nil {
		return 0, err
	}
	again := map[string]string{}
	for rows.Next() {
		var user string
		var stored []byte
		if err := rows.Scan(&user, &stored); err != nil {
			return 0, errors.Join(err, rows.Close())
		}
		plain, err := s.openTOTP(user, stored)
		if err != nil {
			return 0, errors.Join(err, rows.Close())
		}
		if !s.keys.Current(string(stored)) {
			if again[user], err = s.keys.Seal(plain, totpLabel(user)); err != nil {
				return 0, errors.Join(err, rows.Close())
			}
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil || !write {
		return 0, err
	}
	for user, sealed := range again {
		if _, err := tx.ExecContext(ctx, `UPDATE totp SET secret = ? WHERE user_id = ?`, []byte(sealed), user); err != nil {
			return 0, err
		}
	}
	return len(again), tx.Commit()
}
