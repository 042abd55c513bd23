package auth

import "context"

// Credential reads the stored hash of a user's password, for tests.
func Credential(s *Store, userID string) (string, error) {
	return s.credential(context.Background(), userID)
}
