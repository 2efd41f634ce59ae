package model

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SecuritySpec is how an environment's shared web server lets callers in:
// the listeners it opens (each with its TLS settings and authentication),
// environment-wide IP allow and deny lists, and CORS. Runtimes apply changes
// without a restart.
type SecuritySpec struct {
	// Listeners replace the runtime's --gateway-listen listener for the
	// APIs when there is at least one; the default listener then keeps
	// serving /healthz and /readyz only.
	Listeners []ListenerSpec `json:"listeners,omitempty"`
	// IPFilter applies to every request of every listener, before anything
	// else is read.
	IPFilter *EnvironmentIPFilter `json:"ipFilter,omitempty"`
	CORS     *CORSSpec            `json:"cors,omitempty"`
}

// ListenerSpec is one address the runtime listens on.
type ListenerSpec struct {
	// Name identifies the listener in logs and errors.
	Name string `json:"name"`
	// Address is host:port (":8443" listens on every interface).
	Address        string           `json:"address"`
	TLS            *ListenerTLS     `json:"tls,omitempty"`
	Authentication ListenerAuthSpec `json:"authentication"`
}

// ListenerTLS turns TLS on for a listener.
type ListenerTLS struct {
	// CertFile and KeyFile are PEM files on the runtime's machine. They are
	// read again when they change, so a renewed certificate needs no
	// restart.
	CertFile string `json:"certFile,omitempty"`
	KeyFile  string `json:"keyFile,omitempty"`
	// SelfSigned generates a certificate for development instead of the
	// files; never use it in production.
	SelfSigned bool `json:"selfSigned,omitempty"`
	// MinVersion is "1.2" (default) or "1.3"; older versions are refused.
	MinVersion string `json:"minVersion,omitempty"`
	// CipherSuites limits the TLS 1.2 cipher suites (Go names, e.g.
	// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); TLS 1.3 suites are fixed.
	CipherSuites []string `json:"cipherSuites,omitempty"`
	// ClientCAFile holds the PEM certificates of the CAs that sign client
	// certificates; set, the listener asks for a client certificate and
	// verifies any that is sent (mTLS).
	ClientCAFile string `json:"clientCAFile,omitempty"`
	// HTTP2 offers HTTP/2 to clients through ALPN, beside HTTP/1.1
	// (default true); false serves HTTP/1.1 only.
	HTTP2 *bool `json:"http2,omitempty"`
}

// OffersHTTP2 reports whether the listener offers HTTP/2.
func (t *ListenerTLS) OffersHTTP2() bool { return t.HTTP2 == nil || *t.HTTP2 }

// Authentication types of a listener.
const (
	AuthNone              = "none"
	AuthBasic             = "basic"
	AuthAPIKey            = "apiKey"
	AuthJWT               = "jwt"
	AuthClientCertificate = "clientCertificate"
	AuthCertificateHeader = "certificateHeader"
)

// AuthTypes are the authentication types a listener may declare.
var AuthTypes = []string{AuthNone, AuthBasic, AuthAPIKey, AuthJWT, AuthClientCertificate, AuthCertificateHeader}

// ListenerAuthSpec is how a listener authenticates its callers.
type ListenerAuthSpec struct {
	// Type is one of AuthTypes; empty means none.
	Type string `json:"type,omitempty"`
	// Realm is named in the WWW-Authenticate challenge of basic
	// authentication (default "portico").
	Realm             string                 `json:"realm,omitempty"`
	JWT               *JWTSpec               `json:"jwt,omitempty"`
	CertificateHeader *CertificateHeaderSpec `json:"certificateHeader,omitempty"`
}

// JWTSpec accepts bearer tokens issued by an external identity provider.
type JWTSpec struct {
	Issuer    string   `json:"issuer"`
	Audiences []string `json:"audiences"`
	// JWKSURL serves the provider's public keys; they are cached and
	// fetched again on an unknown key id and periodically (RefreshInterval,
	// default 1h).
	JWKSURL         string   `json:"jwksURL"`
	RefreshInterval Duration `json:"refreshInterval,omitempty"`
	// Algorithms are the signature algorithms accepted (default RS256);
	// "none" and HMAC algorithms are refused.
	Algorithms []string `json:"algorithms,omitempty"`
	// ClockSkew is the leeway on exp, nbf and iat (default 30s, at most 5m).
	ClockSkew Duration `json:"clockSkew,omitempty"`
	// UserClaim names the user id; default preferred_username, falling
	// back to sub.
	UserClaim string `json:"userClaim,omitempty"`
	// RolesClaim names a claim (a string or a list of strings; a dotted
	// path such as realm_access.roles reads nested objects) whose values
	// are added to the caller's roles.
	RolesClaim string `json:"rolesClaim,omitempty"`
	// RequireConsumer refuses tokens whose user is not a known consumer
	// (by externalName); by default such callers are let in with the
	// token's roles and no API filter.
	RequireConsumer bool `json:"requireConsumer,omitempty"`
}

// CertificateHeaderSpec reads the client certificate from a header set by a
// trusted TLS terminator.
type CertificateHeaderSpec struct {
	// Header carries the certificate: PEM, URL-encoded PEM (nginx's
	// $ssl_client_escaped_cert) or base64 DER. Default X-Client-Cert.
	Header string `json:"header,omitempty"`
	// TrustedProxies are the addresses (CIDRs) of the terminators; the
	// header of any other caller is refused.
	TrustedProxies []string `json:"trustedProxies"`
}

// EnvironmentIPFilter allows and denies caller addresses for a whole
// environment. Deny wins; an empty Allow allows every address not denied.
type EnvironmentIPFilter struct {
	Allow []string `json:"allow,omitempty"`
	Deny  []string `json:"deny,omitempty"`
}

// CORSSpec answers browsers' cross-origin requests.
type CORSSpec struct {
	// Origins are matched in order: exact origins, "*" (any origin, never
	// with credentials), or one wildcard label (https://*.example.com).
	Origins          []string `json:"origins"`
	AllowCredentials bool     `json:"allowCredentials,omitempty"`
	// Methods default to GET, HEAD, POST, PUT, PATCH, DELETE.
	Methods []string `json:"methods,omitempty"`
	// Headers are the request headers allowed (default: those the
	// preflight asks for among Content-Type, Authorization, X-API-Key,
	// X-Max-Wait).
	Headers        []string `json:"headers,omitempty"`
	ExposedHeaders []string `json:"exposedHeaders,omitempty"`
	MaxAge         Duration `json:"maxAge,omitempty"`
}

// TLS versions a listener may require.
var TLSVersions = []string{"1.2", "1.3"}

// validate adds the security spec's problems to e.
func (s *SecuritySpec) validate(e *errs, path string) {
	names := map[string]int{}
	addrs := map[string]int{}
	for i := range s.Listeners {
		l := &s.Listeners[i]
		p := fmt.Sprintf("%s.listeners[%d]", path, i)
		if !ValidName(l.Name) {
			e.add(p+".name", "%q is not a valid listener name", l.Name)
		} else if j, dup := names[l.Name]; dup {
			e.add(p+".name", "%q duplicates %s.listeners[%d].name", l.Name, path, j)
		} else {
			names[l.Name] = i
		}
		if !validListenAddress(l.Address) {
			e.add(p+".address", "%q is not host:port", l.Address)
		} else if j, dup := addrs[l.Address]; dup {
			e.add(p+".address", "%q duplicates %s.listeners[%d].address", l.Address, path, j)
		} else {
			addrs[l.Address] = i
		}
		l.TLS.validate(e, p+".tls")
		l.Authentication.validate(e, p+".authentication", l.TLS)
	}
	if f := s.IPFilter; f != nil {
		for i, c := range f.Allow {
			if !validCIDR(c) {
				e.add(fmt.Sprintf("%s.ipFilter.allow[%d]", path, i), "%q is not an address or CIDR", c)
			}
		}
		for i, c := range f.Deny {
			if !validCIDR(c) {
				e.add(fmt.Sprintf("%s.ipFilter.deny[%d]", path, i), "%q is not an address or CIDR", c)
			}
		}
	}
	s.CORS.validate(e, path+".cors")
}

func (t *ListenerTLS) validate(e *errs, p string) {
	if t == nil {
		return
	}
	files := t.CertFile != "" || t.KeyFile != ""
	switch {
	case t.SelfSigned && files:
		e.add(p, "give either certFile and keyFile or selfSigned, not both")
	case !t.SelfSigned && (t.CertFile == "" || t.KeyFile == ""):
		e.add(p, "needs certFile and keyFile, or selfSigned: true")
	}
	if t.MinVersion != "" && !slices.Contains(TLSVersions, t.MinVersion) {
		e.add(p+".minVersion", "%q is not a TLS version this runtime accepts (1.2, 1.3)", t.MinVersion)
	}
	for i, c := range t.CipherSuites {
		if !validCipherSuite(c) {
			e.add(fmt.Sprintf("%s.cipherSuites[%d]", p, i), "%q is not a secure TLS 1.2 cipher suite", c)
		}
	}
}

func (a *ListenerAuthSpec) validate(e *errs, p string, t *ListenerTLS) {
	typ := a.Type
	if typ == "" {
		typ = AuthNone
	}
	if !slices.Contains(AuthTypes, typ) {
		e.add(p+".type", "%q is not an authentication type (%s)", a.Type, strings.Join(AuthTypes, ", "))
		return
	}
	if a.JWT != nil && typ != AuthJWT {
		e.add(p+".jwt", "is only read with type jwt")
	}
	if a.CertificateHeader != nil && typ != AuthCertificateHeader {
		e.add(p+".certificateHeader", "is only read with type certificateHeader")
	}
	switch typ {
	case AuthJWT:
		if a.JWT == nil {
			e.add(p+".jwt", "type jwt needs issuer, audiences and jwksURL")
		} else {
			a.JWT.validate(e, p+".jwt")
		}
	case AuthClientCertificate:
		if t == nil || t.ClientCAFile == "" {
			e.add(p+".type", "clientCertificate needs tls.clientCAFile on the listener")
		}
	case AuthCertificateHeader:
		if a.CertificateHeader == nil || len(a.CertificateHeader.TrustedProxies) == 0 {
			e.add(p+".certificateHeader.trustedProxies", "certificateHeader needs the CIDRs of the trusted TLS terminators")
		} else {
			ch := a.CertificateHeader
			for i, c := range ch.TrustedProxies {
				if !validCIDR(c) {
					e.add(fmt.Sprintf("%s.certificateHeader.trustedProxies[%d]", p, i), "%q is not an address or CIDR", c)
				}
			}
			if ch.Header != "" && !validToken(ch.Header) {
				e.add(p+".certificateHeader.header", "%q is not a header name", ch.Header)
			}
		}
	}
}

// JWT algorithms a listener may accept: asymmetric only, so that a public
// key can never be used as an HMAC secret.
var JWTAlgorithms = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

func (j *JWTSpec) validate(e *errs, p string) {
	if j.Issuer == "" {
		e.add(p+".issuer", "is required")
	}
	if len(j.Audiences) == 0 {
		e.add(p+".audiences", "at least one audience is required")
	}
	if u, err := url.Parse(j.JWKSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		e.add(p+".jwksURL", "%q is not an absolute http(s) URL", j.JWKSURL)
	}
	for i, a := range j.Algorithms {
		if !slices.Contains(JWTAlgorithms, a) {
			e.add(fmt.Sprintf("%s.algorithms[%d]", p, i), "%q is not accepted (%s)", a, strings.Join(JWTAlgorithms, ", "))
		}
	}
	if d := time.Duration(j.ClockSkew); d < 0 || d > 5*time.Minute {
		e.add(p+".clockSkew", "must be between 0 and 5m")
	}
	if d := time.Duration(j.RefreshInterval); d != 0 && d < time.Minute {
		e.add(p+".refreshInterval", "must be at least 1m")
	}
}

func (c *CORSSpec) validate(e *errs, p string) {
	if c == nil {
		return
	}
	if len(c.Origins) == 0 {
		e.add(p+".origins", "at least one origin is required")
	}
	for i, o := range c.Origins {
		ip := fmt.Sprintf("%s.origins[%d]", p, i)
		if o == "*" {
			if c.AllowCredentials {
				e.add(ip, "\"*\" cannot be used with allowCredentials; list the origins")
			}
			continue
		}
		u, err := url.Parse(strings.Replace(o, "*.", "wildcard.", 1))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" ||
			strings.Count(o, "*") > 1 || (strings.Contains(o, "*") && !strings.Contains(o, "://*.")) {
			e.add(ip, "%q is not an origin (scheme://host[:port], optionally https://*.example.com)", o)
		}
	}
	for i, m := range c.Methods {
		if !validToken(m) || strings.ToUpper(m) != m {
			e.add(fmt.Sprintf("%s.methods[%d]", p, i), "%q is not an HTTP method", m)
		}
	}
	for i, h := range c.Headers {
		if !validToken(h) {
			e.add(fmt.Sprintf("%s.headers[%d]", p, i), "%q is not a header name", h)
		}
	}
	for i, h := range c.ExposedHeaders {
		if !validToken(h) {
			e.add(fmt.Sprintf("%s.exposedHeaders[%d]", p, i), "%q is not a header name", h)
		}
	}
	if c.MaxAge < 0 {
		e.add(p+".maxAge", "must not be negative")
	}
}

// validListenAddress reports host:port with a port of 0 to 65535 and a
// host that is empty, a name, an IPv4 address or a bracketed IPv6 one.
func validListenAddress(s string) bool {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return false
	}
	host, port := s[:i], s[i+1:]
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 || port == "" || port[0] == '+' || port[0] == '-' {
		return false
	}
	if strings.HasPrefix(host, "[") {
		a, err := netip.ParseAddr(strings.TrimSuffix(host[1:], "]"))
		return err == nil && strings.HasSuffix(host, "]") && a.Is6()
	}
	return !strings.ContainsAny(host, ":[]/ ")
}

func validCIDR(s string) bool {
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// validToken reports an RFC 9110 token (header names, methods).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// SecureCipherSuites are the TLS 1.2 cipher suites a listener may name:
// forward secret AEAD suites only.
var SecureCipherSuites = []string{
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
}

func validCipherSuite(s string) bool { return slices.Contains(SecureCipherSuites, s) }
