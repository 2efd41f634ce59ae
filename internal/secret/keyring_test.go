package secret_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/secret"
)

func rawKey(b byte) []byte { return bytes.Repeat([]byte{b}, secret.KeySize) }

func mustNew(t *testing.T, cur []byte, old ...[]byte) *secret.Keyring {
	t.Helper()
	k, err := secret.New("test key", cur, old...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	k := mustNew(t, rawKey(1))
	for _, plain := range []string{"", "pw", "postgres://u:p@db/x?sslmode=disable", strings.Repeat("é", 1000)} {
		sealed, err := k.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sealed, secret.Prefix+k.ID()+":") {
			t.Fatalf("sealed = %q, want prefix %q", sealed, secret.Prefix+k.ID()+":")
		}
		if plain != "" && strings.Contains(sealed, plain) {
			t.Fatalf("sealed value %q contains the plaintext", sealed)
		}
		got, err := k.Open(sealed)
		if err != nil || got != plain {
			t.Fatalf("Open = %q, %v; want %q", got, err, plain)
		}
		again, _ := k.Seal(plain)
		if again == sealed {
			t.Fatal("two seals of one value are equal: the nonce is not random")
		}
	}
}

func TestKeyID(t *testing.T) {
	t.Parallel()
	k := mustNew(t, rawKey(1))
	if len(k.ID()) != 8 || k.ID() != secret.KeyID(rawKey(1)) {
		t.Fatalf("ID = %q", k.ID())
	}
	if k.ID() == secret.KeyID(rawKey(2)) {
		t.Fatal("two keys share an id")
	}
}

func TestOpenWrongKey(t *testing.T) {
	t.Parallel()
	a, b := mustNew(t, rawKey(1)), mustNew(t, rawKey(2))
	sealed, err := a.Seal("pw")
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Open(sealed)
	if !errors.Is(err, secret.ErrWrongKey) {
		t.Fatalf("err = %v, want ErrWrongKey", err)
	}
	want := "secrets were sealed with key " + a.ID() + "; test key holds " + b.ID()
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %q, want it to say %q", err, want)
	}
}

func TestOpenTampered(t *testing.T) {
	t.Parallel()
	k := mustNew(t, rawKey(1))
	sealed, _ := k.Seal("secret value")
	id, _ := secret.SealedKeyID(sealed)
	data := strings.TrimPrefix(sealed, secret.Prefix+id+":")
	raw, _ := base64.RawStdEncoding.DecodeString(data)
	raw[len(raw)-1] ^= 1
	tests := []struct{ name, in string }{
		{"flipped bit", secret.Prefix + id + ":" + base64.RawStdEncoding.EncodeToString(raw)},
		{"not sealed", "clear"},
		{"no key id", secret.Prefix + "abc"},
		{"bad base64", secret.Prefix + id + ":!!!"},
		{"too short", secret.Prefix + id + ":AAAA"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got, err := k.Open(tc.in); err == nil {
				t.Fatalf("Open(%q) = %q, want an error", tc.in, got)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	oldK := mustNew(t, rawKey(1))
	sealedOld, _ := oldK.Seal("old secret")
	rotated := mustNew(t, rawKey(2), rawKey(1))
	got, err := rotated.Open(sealedOld)
	if err != nil || got != "old secret" {
		t.Fatalf("Open with the old key listed = %q, %v", got, err)
	}
	sealedNew, _ := rotated.Seal("new secret")
	if id, _ := secret.SealedKeyID(sealedNew); id != secret.KeyID(rawKey(2)) {
		t.Fatalf("new values are sealed with %s, want the current key %s", id, secret.KeyID(rawKey(2)))
	}
	if _, err := oldK.Open(sealedNew); !errors.Is(err, secret.ErrWrongKey) {
		t.Fatalf("old keyring opened a value sealed with the new key: %v", err)
	}
}

func TestDigest(t *testing.T) {
	t.Parallel()
	a, a2, b := mustNew(t, rawKey(1)), mustNew(t, rawKey(1)), mustNew(t, rawKey(2))
	if a.Digest("pw") != a2.Digest("pw") {
		t.Fatal("one key gives two digests of one value")
	}
	if a.Digest("pw") == a.Digest("pw2") {
		t.Fatal("two values share a digest")
	}
	if a.Digest("pw") == b.Digest("pw") {
		t.Fatal("the digest does not depend on the key")
	}
	if !strings.HasPrefix(a.Digest("pw"), secret.DigestPrefix) {
		t.Fatalf("digest %q lacks its prefix", a.Digest("pw"))
	}
}

func TestNewBadKey(t *testing.T) {
	t.Parallel()
	if _, err := secret.New("x", []byte("short")); err == nil {
		t.Fatal("a 5-byte key was accepted")
	}
	if _, err := secret.New("x", rawKey(1), []byte("short")); err == nil {
		t.Fatal("a 5-byte old key was accepted")
	}
}
