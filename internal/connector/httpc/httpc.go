// Package httpc is Portico's HTTP connector: a client bound to one HTTP
// connection spec (base URL, authentication, timeout, TLS) whose requests
// cannot leave the base URL.
package httpc

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/portico-dev/portico/internal/model"
)

// DefaultTimeout bounds a whole exchange (connect, headers, body) when the
// spec sets no timeout.
const DefaultTimeout = 30 * time.Second

// Client sends requests to one HTTP connection's host. It is safe for
// concurrent use.
type Client struct {
	base      *url.URL // path cleaned, without trailing slash ("" for the root)
	auth      func(http.Header)
	client    *http.Client
	transport *http.Transport
}

// New builds a client for spec. A malformed base URL or an unreadable CA
// file is model.ErrInvalid; nothing is dialled yet.
func New(spec *model.HTTPConnection) (*Client, error) {
	if spec == nil {
		return nil, fmt.Errorf("%w: http connection: no spec", model.ErrInvalid)
	}
	base, err := url.Parse(spec.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("%w: http connection: base URL %q is not an absolute http(s) URL", model.ErrInvalid, spec.BaseURL)
	}
	base.Path = strings.TrimSuffix(path.Clean("/"+base.Path), "/")
	base.RawPath = ""
	base.Fragment, base.RawFragment = "", ""
	auth, err := authenticator(spec.Auth)
	if err != nil {
		return nil, err
	}
	tlsConfig, err := clientTLS(spec.TLS)
	if err != nil {
		return nil, err
	}
	timeout := spec.Timeout.Std()
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: min(timeout, 10*time.Second), KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConfig,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64, // one host per client: keep enough warm connections for bursts
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   min(timeout, 10*time.Second),
		ExpectContinueTimeout: time.Second,
	}
	return &Client{
		base:      base,
		auth:      auth,
		client:    &http.Client{Transport: tr, Timeout: timeout},
		transport: tr,
	}, nil
}

// authenticator returns what NewRequest applies to every request's header.
func authenticator(a *model.HTTPAuth) (func(http.Header), error) {
	if a == nil {
		return func(http.Header) {}, nil
	}
	switch a.Type {
	case "", "none":
		return func(http.Header) {}, nil
	case "basic":
		// As http.Request.SetBasicAuth writes it, computed once.
		r := &http.Request{Header: http.Header{}}
		r.SetBasicAuth(a.Username, a.Password.Reveal())
		v := r.Header.Get("Authorization")
		return func(h http.Header) { h.Set("Authorization", v) }, nil
	case "bearer":
		v := "Bearer " + a.Token.Reveal()
		return func(h http.Header) { h.Set("Authorization", v) }, nil
	case "header":
		if a.Header == "" {
			return nil, fmt.Errorf("%w: http connection: auth header name is required", model.ErrInvalid)
		}
		name, v := http.CanonicalHeaderKey(a.Header), a.Value.Reveal()
		return func(h http.Header) { h.Set(name, v) }, nil
	}
	return nil, fmt.Errorf("%w: http connection: auth type %q is not supported (want none, basic, bearer or header)", model.ErrInvalid, a.Type)
}

// clientTLS builds the TLS configuration. A CA file replaces the system
// roots, as curl's --cacert does: the connection trusts that CA only.
func clientTLS(o *model.ClientTLS) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if o == nil {
		return cfg, nil
	}
	cfg.InsecureSkipVerify = o.InsecureSkipVerify
	cfg.ServerName = o.ServerName
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%w: http connection: CA file: %w", model.ErrInvalid, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: http connection: CA file %s holds no PEM certificate", model.ErrInvalid, o.CAFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// NewRequest builds a request for p, a path relative to the base URL
// (a leading '/' is relative too) with an optional query, and applies the
// connection's authentication. An absolute URL, or a path whose ".."
// segments (plain or percent-encoded) leave the base path, is
// model.ErrInvalid.
func (c *Client) NewRequest(ctx context.Context, method, p string, body io.Reader) (*http.Request, error) {
	u, err := c.resolve(p)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%w: http request: %w", model.ErrInvalid, err)
	}
	c.auth(req.Header)
	// Continue the caller's trace (W3C traceparent) when a span is under way.
	propagation.TraceContext{}.Inject(ctx, propagation.HeaderCarrier(req.Header))
	return req, nil
}

// resolve joins p to the base URL, refusing any way out of it.
func (c *Client) resolve(p string) (*url.URL, error) {
	ref, err := url.Parse(p)
	if err != nil {
		return nil, fmt.Errorf("%w: http request path %q: %w", model.ErrInvalid, p, err)
	}
	if ref.Scheme != "" || ref.Host != "" || ref.User != nil || ref.Opaque != "" || strings.HasPrefix(p, "//") {
		return nil, fmt.Errorf("%w: http request path %q: an absolute URL is not allowed, give a path relative to the connection's base URL", model.ErrInvalid, p)
	}
	if climbs(ref.Path) {
		return nil, fmt.Errorf("%w: http request path %q leaves the base path %s/", model.ErrInvalid, p, c.base.Path)
	}
	joined := path.Join("/", c.base.Path, ref.Path)
	if joined != "/" && strings.HasSuffix(ref.Path, "/") {
		joined += "/"
	}
	u := *c.base
	u.Path = joined
	// Keep the caller's escaping (an encoded '/' in a segment) when it
	// still spells the cleaned path; url.URL ignores a RawPath that does not.
	if raw := ref.EscapedPath(); raw != ref.Path {
		u.RawPath = path.Join("/", c.base.EscapedPath(), raw)
		if strings.HasSuffix(joined, "/") && !strings.HasSuffix(u.RawPath, "/") {
			u.RawPath += "/"
		}
	}
	switch {
	case c.base.RawQuery == "":
		u.RawQuery = ref.RawQuery
	case ref.RawQuery != "":
		u.RawQuery = c.base.RawQuery + "&" + ref.RawQuery
	}
	return &u, nil
}

// climbs reports whether a relative path's ".." segments ever go above
// its start; "a/../b" stays inside, "a/../../b" does not.
func climbs(p string) bool {
	depth := 0
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if depth--; depth < 0 {
				return true
			}
		default:
			depth++
		}
	}
	return false
}

// Do sends a request built by NewRequest. A host that refuses, cannot be
// resolved, fails TLS or does not answer in time is model.ErrUnavailable
// naming the host; the error never repeats the URL's query (it may hold a
// key). Any response, whatever its status, is returned as is.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, c.classify(req, err)
	}
	return resp, nil
}

// Close releases the idle connections.
func (c *Client) Close() { c.transport.CloseIdleConnections() }
