package secret

import "github.com/portico-dev/portico/internal/model"

// ContentHash is the content hash the store gives c: the hash of its
// canonical content with every non-empty secret replaced by its keyed digest
// (k.Digest), so that equal content gives equal hashes while a hash, shown to
// every role, cannot confirm a guessed secret without the key. A nil k hashes
// the clear content (model.Component.ContentHash).
func ContentHash(k *Keyring, c *model.Component) (string, error) {
	if k == nil {
		return c.ContentHash()
	}
	spec, err := model.MapSecrets(c.Spec, func(_ string, s model.Secret) (model.Secret, error) {
		if s == "" {
			return s, nil
		}
		return model.Secret(k.Digest(s.Reveal())), nil
	})
	if err != nil {
		return "", err
	}
	cp := *c
	cp.Spec = spec
	return cp.ContentHash()
}
