package platform

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/portico-dev/portico/internal/model"
)

// PasswordParams are the argon2id costs of a password hash.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultPasswordParams follow the OWASP recommendation for argon2id
// (19 MiB, 2 passes, 1 lane): sign-in is rare, so the cost is affordable.
var DefaultPasswordParams = PasswordParams{Memory: 19 * 1024, Time: 2, Threads: 1}

// Password length limits: long enough to resist guessing, short enough that
// hashing a hostile input costs nothing extra.
const (
	minPasswordLen = 12
	maxPasswordLen = 1024
)

const (
	saltLen = 16
	keyLen  = 32
)

var b64 = base64.RawStdEncoding

func (p PasswordParams) check() error {
	if p.Memory < 8*uint32(p.Threads) || p.Time < 1 || p.Threads < 1 {
		return fmt.Errorf("platform: argon2id parameters m=%d,t=%d,p=%d are too small", p.Memory, p.Time, p.Threads)
	}
	return nil
}

// checkPassword enforces the length rules on a new password.
func checkPassword(path, pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < minPasswordLen:
		return model.Invalidf(path, "a password needs at least %d characters", minPasswordLen)
	case len(pw) > maxPasswordLen:
		return model.Invalidf(path, "a password has at most %d bytes", maxPasswordLen)
	}
	return nil
}

// hashPassword returns the PHC string of pw:
// $argon2id$v=19$m=...,t=...,p=...$salt$hash.
func hashPassword(pw string, p PasswordParams) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed argon2id hash")

// verifyPassword compares pw with a PHC string in constant time.
func verifyPassword(pw, phc string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var p PasswordParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.check() != nil {
		return false, errBadHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// randomString returns n random bytes, base64url-encoded.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never returns an error since Go 1.24: it crashes instead
	return base64.RawURLEncoding.EncodeToString(b)
}
