package httpc

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"syscall"

	"github.com/portico-dev/portico/internal/model"
)

// Error is a failed exchange. Its message names the host and the reason,
// never the URL's path or query; errors.Is matches model.ErrUnavailable
// (unless the caller cancelled) and the transport's error.
type Error struct {
	Host   string
	reason string
	kind   error
	cause  error
}

// Error returns the safe message.
func (e *Error) Error() string { return "http host " + e.Host + ": " + e.reason }

// Unwrap exposes the sentinel and the transport's error to errors.Is/As.
func (e *Error) Unwrap() []error {
	if e.kind == nil {
		return []error{e.cause}
	}
	return []error{e.kind, e.cause}
}

// classify names why an exchange failed.
func (c *Client) classify(req *http.Request, err error) error {
	e := &Error{Host: req.URL.Host, kind: model.ErrUnavailable, cause: err}
	var (
		dnsErr  *net.DNSError
		ne      net.Error
		unknown x509.UnknownAuthorityError
		invalid x509.CertificateInvalidError
		host    x509.HostnameError
		alert   tls.AlertError
		recErr  tls.RecordHeaderError
	)
	switch {
	case errors.Is(req.Context().Err(), context.Canceled):
		e.kind, e.reason = nil, "request canceled"
	case errors.Is(err, syscall.ECONNREFUSED):
		e.reason = "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		e.reason = "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		e.reason = "host unreachable"
	case errors.As(err, &dnsErr):
		e.reason = "host not found"
	case errors.As(err, &unknown), errors.As(err, &invalid), errors.As(err, &host):
		e.reason = "TLS certificate not trusted"
	case errors.As(err, &alert), errors.As(err, &recErr):
		e.reason = "TLS handshake failed"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		e.reason = "timed out"
	default:
		e.reason = "request failed"
	}
	return e
}
