package secret

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Environment variables and file that Load reads.
const (
	// EnvKey holds the current key, base64 of 32 bytes.
	EnvKey = "PORTICO_SECRET_KEY"
	// EnvOldKeys holds older keys, base64, separated by commas or spaces;
	// they only open values, never seal.
	EnvOldKeys = "PORTICO_SECRET_KEY_OLD"
	// KeyFile is the key generated in the data directory when EnvKey is unset.
	KeyFile = "secret.key"
)

// Load returns the keyring of a control plane: the key of EnvKey if set,
// otherwise the key in <dataDir>/secret.key, generated on first use. Old keys
// come from EnvOldKeys. getenv is os.Getenv outside tests.
func Load(dataDir string, getenv func(string) string) (*Keyring, error) {
	var old [][]byte
	for i, f := range strings.FieldsFunc(getenv(EnvOldKeys), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		b, err := ParseKey(f)
		if err != nil {
			return nil, fmt.Errorf("%s (key %d): %w", EnvOldKeys, i+1, err)
		}
		old = append(old, b)
	}
	if v := getenv(EnvKey); v != "" {
		b, err := ParseKey(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvKey, err)
		}
		return New(EnvKey, b, old...)
	}
	if dataDir == "" {
		return nil, fmt.Errorf("no secret key: set %s (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) or give a data directory", EnvKey)
	}
	path := filepath.Join(dataDir, KeyFile)
	b, err := loadOrCreate(path)
	if err != nil {
		return nil, err
	}
	return New(path, b, old...)
}

// ParseKey decodes a base64 key (standard or URL alphabet, padded or not)
// and checks its length.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var b []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("not base64 (want base64 of %d random bytes, e.g. `openssl rand -base64 32`)", KeySize)
	}
	if len(b) != KeySize {
		return nil, fmt.Errorf("decodes to %d bytes, want %d (e.g. `openssl rand -base64 32`)", len(b), KeySize)
	}
	return b, nil
}

// GenerateKey returns a new random key, base64-encoded.
func GenerateKey() (string, error) {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// loadOrCreate reads the key file, creating it first if absent. The new key
// is written to a temporary file and linked into place, which fails if the
// file appeared meanwhile: two processes starting at once agree on one key,
// and nobody ever reads a half-written file.
func loadOrCreate(path string) ([]byte, error) {
	b, err := readKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return b, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("secret key: create directory: %w", err)
	}
	enc, err := GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("secret key: generate: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret.key-*")
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("secret key: %w", err)
	}
	if _, err := tmp.WriteString(enc + "\n"); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("secret key: write: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("secret key: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("secret key: install %s: %w", path, err)
	}
	return readKeyFile(path)
}

// readKeyFile reads a key file, refusing one that others may read.
func readKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("secret key file %s is accessible to other users (mode %#o): run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	b, err := ParseKey(string(raw))
	if err != nil {
		return nil, fmt.Errorf("secret key file %s: %w", path, err)
	}
	return b, nil
}
