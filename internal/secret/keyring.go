// Package secret seals the secrets of component specs at rest with
// AES-256-GCM. A Keyring holds the current key, which seals, and older keys,
// which still open what they sealed, so that a key can be rotated without
// rewriting the store at once.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of a key in bytes (AES-256).
const KeySize = 32

// Prefix starts every sealed value: "enc:v1:<key id>:<base64(nonce|ciphertext)>".
const Prefix = "enc:v1:"

// DigestPrefix starts the keyed digest of a secret (see Keyring.Digest).
const DigestPrefix = "hmac-sha256:"

// ErrWrongKey is returned by Open when no key of the keyring sealed the value.
var ErrWrongKey = errors.New("secret: sealed with another key")

// key is one AES-256-GCM key and its id.
type key struct {
	id   string
	aead cipher.AEAD
}

// Keyring seals with its current key and opens with the current or an old one.
// It is safe for concurrent use.
type Keyring struct {
	current key
	old     []key
	hashKey []byte
	source  string // where the current key came from, for error messages
}

// New returns a keyring sealing with current and also opening with old.
// source names where current came from (e.g. "PORTICO_SECRET_KEY") in errors.
func New(source string, current []byte, old ...[]byte) (*Keyring, error) {
	cur, err := newKey(current)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	k := &Keyring{current: cur, source: source}
	for i, o := range old {
		ok, err := newKey(o)
		if err != nil {
			return nil, fmt.Errorf("old key %d: %w", i+1, err)
		}
		if ok.id != cur.id {
			k.old = append(k.old, ok)
		}
	}
	// The digest key is derived, never the encryption key itself, so that
	// the two uses cannot interact.
	m := hmac.New(sha256.New, current)
	m.Write([]byte("portico secret digest v1"))
	k.hashKey = m.Sum(nil)
	return k, nil
}

func newKey(b []byte) (key, error) {
	if len(b) != KeySize {
		return key{}, fmt.Errorf("a key must be %d bytes, got %d", KeySize, len(b))
	}
	block, err := aes.NewCipher(b)
	if err != nil {
		return key{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return key{}, err
	}
	return key{id: KeyID(b), aead: aead}, nil
}

// KeyID is the public id of a key: the first 8 hex digits of its SHA-256.
func KeyID(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:4])
}

// ID is the id of the current key.
func (k *Keyring) ID() string { return k.current.id }

// Seal encrypts plaintext with the current key and a random nonce; the key
// id is bound to the ciphertext as additional data.
func (k *Keyring) Seal(plaintext string) (string, error) {
	a := k.current.aead
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(plaintext)+a.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secret: nonce: %w", err)
	}
	out := a.Seal(nonce, nonce, []byte(plaintext), []byte(k.current.id))
	return Prefix + k.current.id + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// IsSealed reports whether s has the form Seal produces.
func IsSealed(s string) bool { return strings.HasPrefix(s, Prefix) }

// SealedKeyID returns the id of the key that sealed s.
func SealedKeyID(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, Prefix)
	if !ok {
		return "", false
	}
	id, _, ok := strings.Cut(rest, ":")
	return id, ok
}

// Open decrypts a value sealed by Seal with the current or an old key. A
// value sealed with a key the keyring lacks is ErrWrongKey, naming both ids.
func (k *Keyring) Open(sealed string) (string, error) {
	rest, ok := strings.CutPrefix(sealed, Prefix)
	if !ok {
		return "", errors.New("secret: not a sealed value")
	}
	id, data, ok := strings.Cut(rest, ":")
	if !ok {
		return "", errors.New("secret: malformed sealed value (no key id)")
	}
	var kk *key
	if id == k.current.id {
		kk = &k.current
	}
	for i := range k.old {
		if k.old[i].id == id {
			kk = &k.old[i]
		}
	}
	if kk == nil {
		return "", fmt.Errorf("%w: secrets were sealed with key %s; %s holds %s (set the key they were sealed with, or list it in %s while rotating)",
			ErrWrongKey, id, k.source, k.current.id, EnvOldKeys)
	}
	raw, err := base64.RawStdEncoding.DecodeString(data)
	if err != nil {
		return "", fmt.Errorf("secret: malformed sealed value: %w", err)
	}
	n := kk.aead.NonceSize()
	if len(raw) < n+kk.aead.Overhead() {
		return "", errors.New("secret: malformed sealed value (too short)")
	}
	plain, err := kk.aead.Open(nil, raw[:n], raw[n:], []byte(id))
	if err != nil {
		return "", fmt.Errorf("secret: value sealed with key %s does not authenticate (altered or corrupt)", id)
	}
	return string(plain), nil
}

// Digest is a keyed HMAC-SHA256 of a secret value: equal values give equal
// digests, so content hashes stay stable, yet a reader of the hashes cannot
// test guesses offline without the key.
func (k *Keyring) Digest(value string) string {
	m := hmac.New(sha256.New, k.hashKey)
	m.Write([]byte(value))
	return DigestPrefix + hex.EncodeToString(m.Sum(nil))
}
