package model

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// ConsumerDoc is an API user as people write it: the body of the platform
// API's consumer routes and the content of a `kind: User` document. Unlike
// Consumer it may carry a clear password, which is hashed on input and never
// stored or shown.
type ConsumerDoc struct {
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Spec        ConsumerSpec `json:"spec"`
}

// ConsumerSpec is the settings of a ConsumerDoc. Credentials left out keep
// the consumer's current ones, so a document written back without secrets
// applies again unchanged.
type ConsumerSpec struct {
	Disabled     bool                  `json:"disabled,omitempty"`
	Environments []string              `json:"environments,omitempty"`
	Roles        []string              `json:"roles,omitempty"`
	APIs         []string              `json:"apis,omitempty"`
	IPFilter     *IPFilter             `json:"ipFilter,omitempty"`
	Certificates []ConsumerCertificate `json:"certificates,omitempty"`
	ExternalName string                `json:"externalName,omitempty"`
	// Password, when set, replaces the consumer's password.
	Password *string `json:"password,omitempty"`
	// TokenHashes, when set, replace the consumer's tokens by these SHA-256
	// hex digests (tokens made elsewhere); an empty list revokes them all.
	TokenHashes *[]string `json:"tokenHashes,omitempty"`
}

// Consumer returns the consumer the document describes, without credentials
// (the caller hashes Password and merges the stored ones).
func (d *ConsumerDoc) Consumer() *Consumer {
	s := d.Spec
	c := &Consumer{
		Name: d.Name, Description: d.Description, Disabled: s.Disabled,
		Environments: s.Environments, Roles: s.Roles, APIs: s.APIs, IPFilter: s.IPFilter,
		ExternalName: s.ExternalName,
	}
	for _, cert := range s.Certificates {
		cert.Fingerprint = NormalizeFingerprint(cert.Fingerprint)
		c.Certificates = append(c.Certificates, cert)
	}
	if s.TokenHashes != nil {
		c.TokenHashes = *s.TokenHashes
	}
	return c
}

// Validate checks the document; field paths start at the document (name,
// spec.roles[0], ...).
func (d *ConsumerDoc) Validate() error {
	var e errs
	if err := d.Consumer().Validate(); err != nil {
		for _, f := range err.(*ValidationError).Fields {
			if f.Path != "name" {
				f.Path = "spec." + f.Path
			}
			e.list = append(e.list, f)
		}
	}
	s := d.Spec
	for i, a := range s.APIs {
		api, ep, hasEP := strings.Cut(a, "/")
		if !ValidName(api) || (hasEP && !ValidName(ep)) {
			e.add(fmt.Sprintf("spec.apis[%d]", i), "%q is not \"api\" or \"api/endpointName\"", a)
		}
	}
	seen := map[string]bool{}
	for i, env := range s.Environments {
		if seen[env] {
			e.add(fmt.Sprintf("spec.environments[%d]", i), "%q is listed twice", env)
		}
		seen[env] = true
	}
	for i, cert := range s.Certificates {
		if cert.Fingerprint != "" && !ValidTokenHash(NormalizeFingerprint(cert.Fingerprint)) {
			e.add(fmt.Sprintf("spec.certificates[%d].fingerprint", i), "want the SHA-256 fingerprint of the certificate: 64 hex digits, colons allowed")
		}
	}
	if s.TokenHashes != nil {
		for i, h := range *s.TokenHashes {
			if !ValidTokenHash(h) {
				e.add(fmt.Sprintf("spec.tokenHashes[%d]", i), "want the 64 lowercase hex digits of a SHA-256 digest")
			}
		}
	}
	return e.err()
}

// ValidTokenHash reports whether h is a SHA-256 digest in lowercase hex.
func ValidTokenHash(h string) bool {
	if len(h) != 64 || strings.ToLower(h) != h {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil
}

// NormalizeFingerprint writes a certificate fingerprint as runtimes compare
// it: lowercase hex without colons ("AB:CD:..." becomes "abcd...").
func NormalizeFingerprint(fp string) string {
	return strings.ToLower(strings.ReplaceAll(fp, ":", ""))
}

// TokenID is the public id of a consumer token: the first 16 hex digits of
// its hash, enough to tell a consumer's tokens apart and revoke one.
func TokenID(hash string) string {
	if len(hash) < 16 {
		return hash
	}
	return hash[:16]
}

// ConsumerView is a consumer as the platform API shows it: its document
// without secrets, plus which credentials it has.
type ConsumerView struct {
	ConsumerDoc
	HasPassword bool      `json:"hasPassword,omitempty"`
	Tokens      []string  `json:"tokens,omitempty"` // TokenID of each token
	CreatedAt   time.Time `json:"createdAt,omitzero"`
	UpdatedAt   time.Time `json:"updatedAt,omitzero"`
	// Token is a newly generated clear token, present only in the answer
	// that generated it.
	Token string `json:"token,omitempty"`
}

// ViewOf shows c without its secrets.
func ViewOf(c *Consumer) ConsumerView {
	v := ConsumerView{
		ConsumerDoc: ConsumerDoc{Name: c.Name, Description: c.Description, Spec: ConsumerSpec{
			Disabled: c.Disabled, Environments: c.Environments, Roles: c.Roles, APIs: c.APIs,
			IPFilter: c.IPFilter, Certificates: c.Certificates, ExternalName: c.ExternalName,
		}},
		HasPassword: c.PasswordHash != "",
		CreatedAt:   c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
	for _, h := range c.TokenHashes {
		v.Tokens = append(v.Tokens, TokenID(h))
	}
	return v
}
