package sqlstore

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/secret"
)

// Component content is stored with every secret sealed by the store's
// keyring, and opened when read, so that a copy of the database (a backup, a
// replica) holds no credential in clear. Content hashes are taken over the
// clear content with each secret replaced by its keyed digest: equal content
// still gives equal hashes (apply stays idempotent), while the hashes, which
// the API shows to every role, cannot be used to test guesses of a secret
// without the key. A store without a keyring (tests of other packages) keeps
// secrets in clear and hashes the clear content.

// WithKeyring makes the store seal secrets with k.
func WithKeyring(k *secret.Keyring) Option {
	return func(s *Store) { s.keys = k }
}

// storedContent is c's canonical JSON with its secrets sealed.
func storedContent(k *secret.Keyring, c *model.Component) ([]byte, error) {
	if k == nil {
		return c.CanonicalJSON()
	}
	spec, err := model.MapSecrets(c.Spec, func(_ string, s model.Secret) (model.Secret, error) {
		if s == "" {
			return s, nil
		}
		sealed, err := k.Seal(s.Reveal())
		return model.Secret(sealed), err
	})
	if err != nil {
		return nil, err
	}
	cp := *c
	cp.Spec = spec
	return cp.CanonicalJSON()
}

// contentHash is c's content hash, secrets replaced by their digests.
func contentHash(k *secret.Keyring, c *model.Component) (string, error) {
	return secret.ContentHash(k, c)
}

// openSecrets replaces the sealed secrets of a component read from the
// database by their clear values. Values stored before sealing existed are
// read as they are.
func openSecrets(k *secret.Keyring, c *model.Component) error {
	spec, err := model.MapSecrets(c.Spec, func(path string, s model.Secret) (model.Secret, error) {
		v := s.Reveal()
		if !secret.IsSealed(v) {
			return s, nil
		}
		if k == nil {
			id, _ := secret.SealedKeyID(v)
			return "", fmt.Errorf("%s: %s is sealed with key %s, but the store was opened without a secret key", c.Ref(), path, id)
		}
		clear, err := k.Open(v)
		if err != nil {
			return "", fmt.Errorf("%s: %s: %w", c.Ref(), path, err)
		}
		return model.Secret(clear), nil
	})
	if err != nil {
		return err
	}
	c.Spec = spec
	return nil
}

// sameContent reports whether stored (a revision's content column) holds
// the same clear content as c.
func sameContent(k *secret.Keyring, c *model.Component, stored string) (bool, error) {
	var cur model.Component
	if err := json.Unmarshal([]byte(stored), &cur); err != nil {
		return false, fmt.Errorf("decode stored %s: %w", c.Ref(), err)
	}
	if err := openSecrets(k, &cur); err != nil {
		return false, err
	}
	a, err := cur.CanonicalJSON()
	if err != nil {
		return false, err
	}
	b, err := c.CanonicalJSON()
	if err != nil {
		return false, err
	}
	return bytes.Equal(a, b), nil
}
