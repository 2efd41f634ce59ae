package proxy

import (
	"net"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// target is one upstream address with its live state. Every field a
// request touches is atomic: requests on many goroutines share it.
type target struct {
	scheme, host string
	// path is the target URL's path without a trailing slash ("" for the
	// root): forwarded paths are appended to it.
	path    string
	rawPath string
	weight  int
	index   uint   // position among the upstream's targets
	display string // the URL as configured, for logs
	// escPath is path as written in a request target.
	escPath string
	// pool holds the lean path's connections (plain http targets only).
	pool *h1Pool

	// healthy is the active health check's verdict (true until a check
	// says otherwise).
	healthy atomic.Bool
	// ejectedUntil is when a passive ejection ends, in nanoseconds of the
	// upstream's monotonic clock; 0 when not ejected.
	ejectedUntil atomic.Int64
	// fails counts consecutive failed calls, for passive ejection.
	fails atomic.Int32
	// inflight counts calls in progress, for least connections.
	inflight atomic.Int64
}

func newTarget(raw string, weight int) (*target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if weight <= 0 {
		weight = 1
	}
	t := &target{scheme: u.Scheme, host: u.Host, weight: weight, display: raw}
	t.path = trimSlash(u.Path)
	if u.RawPath != "" {
		t.rawPath = trimSlash(u.RawPath)
	}
	t.escPath = (&url.URL{Path: t.path, RawPath: t.rawPath}).EscapedPath()
	t.healthy.Store(true)
	return t, nil
}

// hostPort is the address to dial for an http URL's host.
func hostPort(host string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), "80")
}

func trimSlash(p string) string {
	for len(p) > 0 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	return p
}

// clock is the monotonic time of one upstream, in nanoseconds since it was
// built: cheaper to store in an atomic than a time.Time.
type clock struct{ start time.Time }

func (c clock) now() int64 { return int64(time.Since(c.start)) }

// available reports whether requests may go to t at now.
func (t *target) available(now func() int64) bool {
	if !t.healthy.Load() {
		return false
	}
	if until := t.ejectedUntil.Load(); until != 0 && now() < until {
		return false
	}
	return true
}

// waitHint is how long until t may be available again, for Retry-After; 0
// when unknown (an active check has to see it healthy).
func (t *target) waitHint(now int64) time.Duration {
	if !t.healthy.Load() {
		return 0
	}
	if until := t.ejectedUntil.Load(); until > now {
		return time.Duration(until - now)
	}
	return 0
}
