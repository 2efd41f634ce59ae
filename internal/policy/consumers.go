package policy

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

// Consumer is one API user compiled for the hot path.
type Consumer struct {
	Name  string
	Roles []string
	// apis holds the consumer's API filter ("api" and "api/endpoint"); nil
	// means every API.
	apis map[string]bool
	ip   *ConsumerIPFilter
	hash *phc // nil: no password
	// principal is built once, so that authenticating allocates nothing.
	principal *Principal
}

// Principal is the consumer as a request's caller.
func (c *Consumer) Principal() *Principal { return c.principal }

// MayCall reports whether the consumer's API filter admits the endpoint of
// api. An empty endpoint (a path of the API that is no endpoint, such as its
// OpenAPI document) needs the whole API granted.
func (c *Consumer) MayCall(api, endpoint string) bool {
	if c.apis == nil {
		return true
	}
	if api == "" {
		return false
	}
	if c.apis[api] {
		return true
	}
	return endpoint != "" && c.apis[api+"/"+endpoint]
}

// Consumers indexes the consumers of one snapshot by every credential. It is
// immutable once built and read without locks.
type Consumers struct {
	byName        map[string]*Consumer
	byToken       map[[sha256.Size]byte]*Consumer
	byFingerprint map[string]*Consumer
	bySubject     map[string]*Consumer
	byExternal    map[string]*Consumer
	basic         *basicCache
}

// NewConsumers indexes cs, leaving out disabled consumers and those limited
// to other environments than env. Two consumers claiming one credential are
// an error: the caller could not be told apart.
func NewConsumers(env string, cs []model.Consumer) (*Consumers, error) {
	idx := &Consumers{
		byName:        map[string]*Consumer{},
		byToken:       map[[sha256.Size]byte]*Consumer{},
		byFingerprint: map[string]*Consumer{},
		bySubject:     map[string]*Consumer{},
		byExternal:    map[string]*Consumer{},
		basic:         newBasicCache(),
	}
	for i := range cs {
		m := &cs[i]
		if m.Disabled || (len(m.Environments) > 0 && !contains(m.Environments, env)) {
			continue
		}
		c := &Consumer{Name: m.Name, Roles: m.Roles}
		c.principal = &Principal{Name: c.Name, Roles: c.Roles, Consumer: c}
		if len(m.APIs) > 0 {
			c.apis = make(map[string]bool, len(m.APIs))
			for _, a := range m.APIs {
				c.apis[a] = true
			}
		}
		if m.IPFilter != nil && m.IPFilter.Enabled {
			ps, err := ParsePrefixes(m.IPFilter.CIDRs)
			if err != nil {
				return nil, fmt.Errorf("consumer %s: %w", m.Name, err)
			}
			c.ip = &ConsumerIPFilter{allow: ps}
		}
		if m.PasswordHash != "" {
			h, err := parsePHC(m.PasswordHash)
			if err != nil {
				return nil, fmt.Errorf("consumer %s: %w", m.Name, err)
			}
			c.hash = h
		}
		if _, dup := idx.byName[m.Name]; dup {
			return nil, fmt.Errorf("consumer %s is listed twice", m.Name)
		}
		idx.byName[m.Name] = c
		for _, t := range m.TokenHashes {
			b, err := hex.DecodeString(t)
			if err != nil || len(b) != sha256.Size {
				return nil, fmt.Errorf("consumer %s: a token hash is not SHA-256 hex", m.Name)
			}
			k := [sha256.Size]byte(b)
			if o := idx.byToken[k]; o != nil && o != c {
				return nil, fmt.Errorf("consumers %s and %s share a token", o.Name, m.Name)
			}
			idx.byToken[k] = c
		}
		for _, cert := range m.Certificates {
			if cert.Fingerprint != "" {
				fp := NormalizeFingerprint(cert.Fingerprint)
				if o := idx.byFingerprint[fp]; o != nil && o != c {
					return nil, fmt.Errorf("consumers %s and %s share a certificate fingerprint", o.Name, m.Name)
				}
				idx.byFingerprint[fp] = c
			}
			if cert.Subject != "" {
				if o := idx.bySubject[cert.Subject]; o != nil && o != c {
					return nil, fmt.Errorf("consumers %s and %s share a certificate subject", o.Name, m.Name)
				}
				idx.bySubject[cert.Subject] = c
			}
		}
		if m.ExternalName != "" {
			if o := idx.byExternal[m.ExternalName]; o != nil && o != c {
				return nil, fmt.Errorf("consumers %s and %s share the external name %s", o.Name, m.Name, m.ExternalName)
			}
			idx.byExternal[m.ExternalName] = c
		}
	}
	return idx, nil
}

// Len is the number of consumers indexed.
func (idx *Consumers) Len() int { return len(idx.byName) }

// ByToken finds the consumer of a clear API key.
func (idx *Consumers) ByToken(token string) *Consumer {
	return idx.byToken[sha256.Sum256([]byte(token))]
}

// ByCertificate finds the consumer of a client certificate, by fingerprint
// first, then by subject.
func (idx *Consumers) ByCertificate(cert *x509.Certificate) *Consumer {
	sum := sha256.Sum256(cert.Raw)
	if c := idx.byFingerprint[hex.EncodeToString(sum[:])]; c != nil {
		return c
	}
	return idx.bySubject[cert.Subject.String()]
}

// ByExternalName finds the consumer of a JWT user.
func (idx *Consumers) ByExternalName(name string) *Consumer { return idx.byExternal[name] }

// NormalizeFingerprint lowers a hex fingerprint and drops its colons
// ("AB:CD" and "abcd" are one fingerprint).
func NormalizeFingerprint(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, ":", ""))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
