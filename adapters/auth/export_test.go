package auth

import (
	"context"
	"time"
)

// Credential reads the stored hash of a user's password, for tests.
func Credential(s *Store, userID string) (string, error) {
	return s.credential(context.Background(), userID)
}

// Code is the TOTP code of secret at t, for tests.
func Code(secret []byte, t time.Time) string { return totpCode(secret, t.Unix()/totpStep) }
