// Package password hashes and verifies passwords with argon2id, as PHC
// strings ($argon2id$v=19$m=...,t=...,p=...$salt$hash). The control plane
// hashes the passwords of platform users and API users with it; runtimes
// verify API users' passwords from their snapshot with it.
package password

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

// Params are the argon2id costs of a hash.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultParams follow the OWASP recommendation for argon2id (19 MiB, 2
// passes, 1 lane).
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// Length limits of a new password: long enough to resist guessing, short
// enough that hashing a hostile input costs nothing extra.
const (
	MinLen = 12
	MaxLen = 1024
)

const (
	saltLen = 16
	keyLen  = 32
)

var b64 = base64.RawStdEncoding

// ErrMalformed marks a stored hash that is not an argon2id PHC string this
// package can verify.
var ErrMalformed = errors.New("malformed argon2id hash")

// Check reports whether p are usable costs.
func (p Params) Check() error {
	if p.Memory < 8*uint32(p.Threads) || p.Time < 1 || p.Threads < 1 {
		return fmt.Errorf("argon2id parameters m=%d,t=%d,p=%d are too small", p.Memory, p.Time, p.Threads)
	}
	return nil
}

// Check enforces the length rules on a new password; path names the field
// in the validation error.
func Check(path, pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLen:
		return model.Invalidf(path, "a password needs at least %d characters", MinLen)
	case len(pw) > MaxLen:
		return model.Invalidf(path, "a password has at most %d bytes", MaxLen)
	}
	return nil
}

// Hash returns the PHC string of pw, with a random salt.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify compares pw with a PHC string in constant time.
func Verify(pw, phc string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrMalformed
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.Check() != nil {
		return false, ErrMalformed
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrMalformed
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrMalformed
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
