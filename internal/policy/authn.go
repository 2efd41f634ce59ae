package policy

import (
	"crypto/x509"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/portico-dev/portico/internal/endpoint/problem"
)

// Authenticator tells who is calling. It answers the principal, or the
// problem to send (401, with its challenge; 400 for a malformed request).
// A nil principal with no problem is an anonymous caller.
type Authenticator interface {
	Authenticate(r *http.Request, idx *Consumers) (*Principal, *problem.Problem)
	// Credentials are the request headers that carry the credential; they
	// are removed before the request goes on, so no process or upstream
	// sees a credential the runtime verified.
	Credentials() []string
}

// None lets everyone in anonymously.
type None struct{}

// Authenticate implements Authenticator.
func (None) Authenticate(*http.Request, *Consumers) (*Principal, *problem.Problem) { return nil, nil }

// Credentials implements Authenticator.
func (None) Credentials() []string { return nil }

// unauthorized is the one 401 answer of every type: it never says whether
// the user, the password, the key or the token was wrong.
func unauthorized(challenge, detail string) *problem.Problem {
	p := problem.New(http.StatusUnauthorized, detail)
	if challenge != "" {
		p.WithHeader("WWW-Authenticate", challenge)
	}
	return p
}

// singleHeader returns the one value of a header: "" when absent, and a
// 400 problem when it is sent more than once (two credentials could be read
// differently by two parties).
func singleHeader(r *http.Request, canonical string) (string, *problem.Problem) {
	vs := r.Header[canonical]
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		return vs[0], nil
	}
	return "", problem.New(http.StatusBadRequest, "the "+canonical+" header is sent more than once")
}

// authorization reads "Scheme credentials" from the Authorization header;
// the scheme is compared without case (RFC 9110).
func authorization(r *http.Request, scheme string) (cred string, present bool, p *problem.Problem) {
	v, p := singleHeader(r, "Authorization")
	if p != nil || v == "" {
		return "", false, p
	}
	s, rest, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(s, scheme) {
		return "", true, nil
	}
	return strings.TrimLeft(rest, " "), true, nil
}

// Basic checks a consumer's name and password (RFC 7617).
type Basic struct{ challenge string }

// NewBasic returns basic authentication announcing realm.
func NewBasic(realm string) *Basic {
	if realm == "" {
		realm = "portico"
	}
	return &Basic{challenge: `Basic realm="` + strings.ReplaceAll(realm, `"`, "") + `", charset="UTF-8"`}
}

// Authenticate implements Authenticator.
func (b *Basic) Authenticate(r *http.Request, idx *Consumers) (*Principal, *problem.Problem) {
	cred, present, p := authorization(r, "Basic")
	if p != nil {
		return nil, p
	}
	if !present {
		return nil, unauthorized(b.challenge, "authentication required: send Authorization: Basic")
	}
	raw, err := base64.StdEncoding.DecodeString(cred)
	name, pw, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok || name == "" {
		return nil, unauthorized(b.challenge, "the Authorization header is not Basic base64(user:password)")
	}
	c, err := idx.VerifyPassword(r.Context(), name, pw)
	if err != nil {
		return nil, problem.New(http.StatusServiceUnavailable, "the request ended while waiting for its password check")
	}
	if c == nil {
		return nil, unauthorized(b.challenge, "wrong user or password")
	}
	return c.principal, nil
}

// Credentials implements Authenticator.
func (*Basic) Credentials() []string { return []string{"Authorization"} }

// APIKeyHeader carries a consumer's generated token.
const APIKeyHeader = "X-Api-Key"

// APIKey checks the X-API-Key header against the consumers' token hashes
// and, when Apps is set, the applications' keys.
type APIKey struct {
	Apps KeyOwners
}

// KeyOwners tells which application holds an API key (the plans' index).
type KeyOwners interface {
	// Owner returns the application holding key, if any.
	Owner(key string) (app string, ok bool)
}

// Authenticate implements Authenticator.
func (a APIKey) Authenticate(r *http.Request, idx *Consumers) (*Principal, *problem.Problem) {
	key, p := singleHeader(r, APIKeyHeader)
	if p != nil {
		return nil, p
	}
	if key == "" {
		return nil, unauthorized("", "authentication required: send the X-API-Key header")
	}
	c := idx.ByToken(key)
	if c == nil {
		if a.Apps != nil {
			if app, ok := a.Apps.Owner(key); ok {
				return &Principal{Name: app, Application: app}, nil
			}
		}
		return nil, unauthorized("", "the API key is not valid")
	}
	return c.principal, nil
}

// Credentials implements Authenticator.
func (APIKey) Credentials() []string { return []string{APIKeyHeader} }

// ClientCertificate identifies the consumer by the certificate the TLS
// handshake verified against the listener's client CAs.
type ClientCertificate struct{}

// Authenticate implements Authenticator.
func (ClientCertificate) Authenticate(r *http.Request, idx *Consumers) (*Principal, *problem.Problem) {
	// VerifiedChains is only set when the handshake verified the chain;
	// PeerCertificates alone may be anything the client sent.
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return nil, unauthorized("", "a client certificate signed by a trusted CA is required")
	}
	return certPrincipal(r.TLS.VerifiedChains[0][0], idx)
}

// Credentials implements Authenticator.
func (ClientCertificate) Credentials() []string { return nil }

func certPrincipal(cert *x509.Certificate, idx *Consumers) (*Principal, *problem.Problem) {
	c := idx.ByCertificate(cert)
	if c == nil {
		return nil, unauthorized("", "the client certificate belongs to no consumer")
	}
	return c.principal, nil
}
