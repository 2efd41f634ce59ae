package model

import (
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// Consumer is an API user: a caller of the runtime's APIs, never of the
// platform API (platform users are User). A consumer is known to the
// environments it lists, or to every environment when it lists none, and
// reaches them in the snapshot (Snapshot.Consumers) so that a runtime
// authenticates callers without the control plane.
type Consumer struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Disabled    bool   `json:"disabled,omitempty"`
	// Environments limits where the consumer exists; empty means all.
	Environments []string `json:"environments,omitempty"`
	// Roles are granted to the consumer; endpoints may require them.
	Roles []string `json:"roles,omitempty"`
	// PasswordHash is an argon2id PHC string; the clear password is only
	// ever accepted on input and never stored or shown.
	PasswordHash string `json:"passwordHash,omitempty"`
	// TokenHashes are the SHA-256 hex digests of the consumer's generated
	// tokens (API keys); each clear token is shown once when generated.
	TokenHashes []string `json:"tokenHashes,omitempty"`
	// Certificates identify the consumer by client certificate.
	Certificates []ConsumerCertificate `json:"certificates,omitempty"`
	// ExternalName matches the user id claim of a JWT from an external
	// identity provider.
	ExternalName string `json:"externalName,omitempty"`
	// APIs, when not empty, is all the consumer may call: "api" (every
	// endpoint of that API) or "api/endpointName".
	APIs []string `json:"apis,omitempty"`
	// IPFilter, when set, limits the addresses the consumer may call from;
	// switched on with no CIDR it blocks everything.
	IPFilter  *IPFilter `json:"ipFilter,omitempty"`
	CreatedAt time.Time `json:"createdAt,omitzero"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// ConsumerCertificate names a client certificate by its SHA-256 fingerprint
// (hex) or its subject distinguished name.
type ConsumerCertificate struct {
	Fingerprint string `json:"fingerprint,omitempty"`
	Subject     string `json:"subject,omitempty"`
}

// IPFilter is a CIDR allow-list that can be switched on.
type IPFilter struct {
	Enabled bool     `json:"enabled"`
	CIDRs   []string `json:"cidrs,omitempty"`
}

// Validate checks the consumer.
func (c *Consumer) Validate() error {
	var e errs
	if !ValidUsername(c.Name) {
		e.add("name", "%q is not a valid consumer name", c.Name)
	}
	for i, env := range c.Environments {
		if !ValidName(env) {
			e.add(fmt.Sprintf("environments[%d]", i), "%q is not an environment name", env)
		}
	}
	for i, r := range c.Roles {
		if !ValidName(r) {
			e.add(fmt.Sprintf("roles[%d]", i), "%q is not a role name", r)
		} else if slices.Index(c.Roles, r) != i {
			e.add(fmt.Sprintf("roles[%d]", i), "%q is listed twice", r)
		}
	}
	for i, cert := range c.Certificates {
		if (cert.Fingerprint == "") == (cert.Subject == "") {
			e.add(fmt.Sprintf("certificates[%d]", i), "give either a fingerprint or a subject")
		}
	}
	if c.IPFilter != nil {
		c.IPFilter.validate(&e, "ipFilter")
	}
	return e.err()
}

func (f *IPFilter) validate(e *errs, path string) {
	for i, s := range f.CIDRs {
		if _, err := netip.ParsePrefix(s); err != nil {
			if _, err := netip.ParseAddr(s); err != nil {
				e.add(fmt.Sprintf("%s.cidrs[%d]", path, i), "%q is not an address or CIDR", s)
			}
		}
	}
}
