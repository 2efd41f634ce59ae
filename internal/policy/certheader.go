package policy

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/endpoint/problem"
)

// DefaultCertificateHeader carries the client certificate from a TLS
// terminator when the listener names no other header.
const DefaultCertificateHeader = "X-Client-Cert"

// CertificateHeader reads the client certificate a trusted TLS terminator
// verified and passed in a header. The header of any caller outside the
// trusted proxies is refused, never read: anyone can send a header.
type CertificateHeader struct {
	header  string
	trusted Prefixes
	now     func() time.Time
}

// NewCertificateHeader returns the authenticator; header "" means
// X-Client-Cert.
func NewCertificateHeader(header string, trustedProxies []string) (*CertificateHeader, error) {
	ps, err := ParsePrefixes(trustedProxies)
	if err != nil {
		return nil, err
	}
	if header == "" {
		header = DefaultCertificateHeader
	}
	return &CertificateHeader{header: http.CanonicalHeaderKey(header), trusted: ps, now: time.Now}, nil
}

// Authenticate implements Authenticator.
func (ch *CertificateHeader) Authenticate(r *http.Request, idx *Consumers) (*Principal, *problem.Problem) {
	v, p := singleHeader(r, ch.header)
	if p != nil {
		return nil, p
	}
	if a, ok := RemoteAddr(r); !ok || !ch.trusted.Contains(a) {
		return nil, unauthorized("", "this listener takes client certificates from its trusted TLS terminators only")
	}
	if v == "" {
		return nil, unauthorized("", "a client certificate is required")
	}
	cert, err := parseHeaderCert(v)
	if err != nil {
		return nil, problem.New(http.StatusBadRequest, "the "+ch.header+" header does not hold a certificate")
	}
	// The terminator verified the chain; the validity period is checked
	// again here since it costs nothing.
	if now := ch.now(); now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return nil, unauthorized("", "the client certificate is expired or not yet valid")
	}
	return certPrincipal(cert, idx)
}

// Credentials implements Authenticator.
func (ch *CertificateHeader) Credentials() []string { return []string{ch.header} }

// parseHeaderCert reads PEM, URL-encoded PEM (nginx $ssl_client_escaped_cert,
// Envoy's Cert= field is not supported) or base64 DER.
func parseHeaderCert(v string) (*x509.Certificate, error) {
	v = strings.TrimSpace(v)
	if strings.Contains(v, "%") {
		// PathUnescape: a "+" of base64 is a plus, not a space.
		u, err := url.PathUnescape(v)
		if err != nil {
			return nil, err
		}
		v = u
	}
	if strings.HasPrefix(v, "-----BEGIN") {
		// Some terminators fold the PEM onto one line with spaces.
		b, _ := pem.Decode([]byte(unfoldPEM(v)))
		if b == nil || b.Type != "CERTIFICATE" {
			return nil, errNotCert
		}
		return x509.ParseCertificate(b.Bytes)
	}
	der, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

type certError string

func (e certError) Error() string { return string(e) }

const errNotCert = certError("not a PEM certificate")

// unfoldPEM restores the line breaks of a PEM block whose body was joined
// with spaces.
func unfoldPEM(s string) string {
	if strings.Contains(s, "\n") {
		return s
	}
	const begin, end = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"
	body, ok := strings.CutPrefix(s, begin)
	if !ok {
		return s
	}
	body, ok = strings.CutSuffix(strings.TrimSpace(body), end)
	if !ok {
		return s
	}
	return begin + "\n" + strings.Join(strings.Fields(body), "\n") + "\n" + end + "\n"
}
