package platform

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"github.com/portico-dev/portico/internal/password"
)

// PasswordParams are the argon2id costs of a password hash.
type PasswordParams = password.Params

// DefaultPasswordParams follow the OWASP recommendation for argon2id
// (19 MiB, 2 passes, 1 lane): sign-in is rare, so the cost is affordable.
var DefaultPasswordParams = password.DefaultParams

// checkParams refuses costs too small to be argon2id's.
func checkParams(p PasswordParams) error {
	if err := p.Check(); err != nil {
		return fmt.Errorf("platform: %w", err)
	}
	return nil
}

// checkPassword enforces the length rules on a new password.
func checkPassword(path, pw string) error { return password.Check(path, pw) }

// hashPassword returns the PHC string of pw.
func hashPassword(pw string, p PasswordParams) (string, error) { return password.Hash(pw, p) }

// verifyPassword compares pw with a PHC string in constant time.
func verifyPassword(pw, phc string) (bool, error) { return password.Verify(pw, phc) }

// randomString returns n random bytes, base64url-encoded.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never returns an error since Go 1.24: it crashes instead
	return base64.RawURLEncoding.EncodeToString(b)
}
