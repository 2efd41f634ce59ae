package proxy

import (
	"context"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/portico-dev/portico/internal/endpoint/problem"
)

// handler forwards the requests under one mount prefix.
type handler struct {
	up     *Upstream
	prefix string
	strip  bool
	// prefixValue is the X-Forwarded-Prefix sent upstream (nil when the
	// prefix is kept in the path).
	prefixValue []string
}

// Handler returns the handler for requests under prefix ("/ws/proxy/billing/v1"
// or a proxy's own "/billing"); strip removes the prefix from the forwarded
// path. Mount it for prefix and prefix + "/".
func (u *Upstream) Handler(prefix string, strip bool) http.Handler {
	h := &handler{up: u, prefix: prefix, strip: strip}
	if strip {
		h.prefixValue = []string{prefix}
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Never an open proxy: only origin-form targets ("/path") are forwarded,
	// and the forwarded host is always one of the targets.
	if r.Method == http.MethodConnect {
		w.Header().Set("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
		h.fail(w, r, http.StatusMethodNotAllowed, "CONNECT is not served: this gateway is not an open proxy")
		return
	}
	if len(r.RequestURI) == 0 || r.RequestURI[0] != '/' {
		h.fail(w, r, http.StatusBadRequest, "absolute-form request targets are refused: this gateway is not an open proxy")
		return
	}
	// net/http refuses differing Content-Lengths and any Transfer-Encoding
	// but chunked, and drops the Content-Length of a chunked request (RFC
	// 9112 6.3); the transport frames the body anew, so the upstream never
	// sees conflicting framing. This check stays for a server that lets
	// more through.
	if len(r.TransferEncoding) > 1 || (len(r.TransferEncoding) == 1 && r.TransferEncoding[0] != "chunked") {
		h.fail(w, r, http.StatusBadRequest, "only the chunked transfer coding is accepted")
		return
	}
	u := h.up
	if u.breaker != nil {
		if ok, wait := u.breaker.allow(); !ok {
			h.unavailable(w, r, wait, "the upstream is failing; calls are paused (circuit breaker open)")
			return
		}
	}

	ctx := r.Context()
	if u.total > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, u.total)
		defer cancel()
	}

	rest, rawRest := r.URL.Path, r.URL.RawPath
	if h.strip {
		rest = rest[len(h.prefix):]
		if len(rawRest) >= len(h.prefix) {
			rawRest = rawRest[len(h.prefix):]
		}
	}
	for _, rw := range u.rewrite {
		if rw.re.MatchString(rest) {
			rest, rawRest = rw.re.ReplaceAllString(rest, rw.replace), ""
			break
		}
	}

	upgrade := upgradeType(r.Header)
	id := requestID(r.Header)
	// Built for the Transport only: the lean path writes headers directly.
	var header http.Header

	var body io.ReadCloser
	if r.ContentLength != 0 || len(r.TransferEncoding) > 0 {
		body = r.Body
	}
	if body != nil {
		// The server's read timeout is sized for a request, not for an
		// upload streamed through to the upstream; the total timeout, if
		// any, bounds it instead.
		var deadline time.Time
		if u.total > 0 {
			deadline = time.Now().Add(u.total)
		}
		_ = http.NewResponseController(w).SetReadDeadline(deadline)
	}
	var guard *replayGuard
	retries := 0
	if u.retries > 0 && idempotent(r.Method) {
		retries = u.retries
		if body != nil {
			guard = &replayGuard{rc: body}
			body = guard
		}
	}

	// A Connection header names more headers to drop: rare enough to leave
	// to the general path.
	lean := leanMethod(r, body, upgrade) && len(r.Header["Connection"]) == 0
	var tried uint64
	for attempt := 0; ; attempt++ {
		t := u.bal.pick(tried)
		if t == nil {
			if attempt == 0 {
				u.breakerAbandon()
				h.unavailable(w, r, u.retryAfter(), "no target of the upstream is available (all unhealthy or ejected)")
			} else {
				u.breakerDone(false)
				h.fail(w, r, http.StatusBadGateway, "the upstream could not be reached")
			}
			return
		}
		tried |= 1 << t.index

		if t.pool != nil && lean {
			if u.countInflight {
				t.inflight.Add(1)
			}
			err := h.forwardLean(ctx, w, r, t, rest, rawRest, id)
			if u.countInflight {
				t.inflight.Add(-1)
			}
			if err == nil {
				return
			}
			if h.callFailed(w, r, t, err, attempt < retries) {
				continue
			}
			return
		}

		if header == nil {
			header = h.requestHeader(r, upgrade)
			header[requestIDHeader] = id
		}
		out := r.WithContext(ctx)
		out.URL = t.url(rest, rawRest, r.URL.RawQuery)
		out.Host = ""
		out.RequestURI = ""
		out.Header = header
		out.Body = body
		out.ContentLength = r.ContentLength
		out.TransferEncoding = nil
		out.Close = false
		out.Proto, out.ProtoMajor, out.ProtoMinor = "HTTP/1.1", 1, 1

		if u.countInflight {
			t.inflight.Add(1)
		}
		resp, err := u.transport.RoundTrip(out)
		if err != nil {
			if u.countInflight {
				t.inflight.Add(-1)
			}
			if h.callFailed(w, r, t, err, attempt < retries && (guard == nil || !guard.read.Load())) {
				continue
			}
			return
		}
		h.respond(w, r, t, resp, id, upgrade)
		return
	}
}

// callFailed handles a call that got no answer: it reports true when the
// request may go to another target (a connection that could not be opened,
// retries left), and otherwise answers 502 or 504 (or nothing, to a client
// that went away).
func (h *handler) callFailed(w http.ResponseWriter, r *http.Request, t *target, err error, mayRetry bool) bool {
	u := h.up
	if r.Context().Err() != nil {
		// The client went away; nobody hears an answer.
		u.breakerAbandon()
		return false
	}
	status, connectFailed := classify(err)
	u.failed(t)
	if connectFailed && mayRetry {
		return true
	}
	u.breakerDone(false)
	u.log.Debug("proxy call failed", "proxy", u.name, "target", t.display, "err", err)
	h.fail(w, r, status, upstreamDetail(status, err))
	return false
}

// respond forwards the upstream's answer.
func (h *handler) respond(w http.ResponseWriter, r *http.Request, t *target, resp *http.Response, id []string, upgrade string) {
	u := h.up
	defer func() {
		if u.countInflight {
			t.inflight.Add(-1)
		}
	}()
	ok := resp.StatusCode != http.StatusBadGateway && resp.StatusCode != http.StatusServiceUnavailable &&
		resp.StatusCode != http.StatusGatewayTimeout
	if ok {
		u.succeeded(t)
	} else {
		u.failed(t)
	}
	u.breakerDone(ok)

	if resp.StatusCode == http.StatusSwitchingProtocols {
		h.switchProtocols(w, r, resp, upgrade)
		return
	}
	defer resp.Body.Close()
	dst := w.Header()
	h.responseHeader(dst, resp, id)
	if len(resp.Trailer) > 0 {
		for k := range resp.Trailer {
			dst.Add("Trailer", k)
		}
	}
	w.WriteHeader(resp.StatusCode)
	flush := streams(resp)
	if flush {
		// A stream's client learns the status now, not with the first event.
		_ = http.NewResponseController(w).Flush()
	}
	readErr, writeErr := copyBody(w, resp.Body, flush)
	if readErr != nil && r.Context().Err() == nil {
		// Headers are out: the only honest signal left is to cut the
		// connection, so the client cannot take a truncated body for whole.
		u.log.Debug("proxy: the upstream body broke off", "proxy", u.name, "target", t.display, "err", readErr)
		panic(http.ErrAbortHandler)
	}
	if writeErr != nil {
		return
	}
	for k, vv := range resp.Trailer {
		dst[http.TrailerPrefix+k] = vv
	}
}

func (u *Upstream) breakerDone(ok bool) {
	if u.breaker != nil {
		u.breaker.done(ok)
	}
}

func (u *Upstream) breakerAbandon() {
	if u.breaker != nil {
		u.breaker.abandon()
	}
}

// url builds the upstream URL of one call.
func (t *target) url(rest, rawRest, query string) *url.URL {
	v := &url.URL{}
	v.Scheme, v.Host, v.RawQuery = t.scheme, t.host, query
	v.Path = t.path + rest
	if v.Path == "" {
		v.Path = "/"
	}
	if rawRest != "" || t.rawPath != "" {
		base := t.rawPath
		if base == "" {
			base = t.path
		}
		if rawRest == "" {
			rawRest = rest
		}
		// EscapedPath ignores a RawPath that does not encode Path.
		v.RawPath = base + rawRest
	}
	return v
}

// idempotent reports the methods RFC 9110 defines as idempotent: only
// those are retried.
func idempotent(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// replayGuard passes a request body through and notes whether any of it was
// read: a body not yet read may go to another target. The server, not the
// transport, closes the inbound body.
type replayGuard struct {
	rc   io.ReadCloser
	read atomic.Bool
}

func (g *replayGuard) Read(p []byte) (int, error) {
	g.read.Store(true)
	return g.rc.Read(p)
}

func (g *replayGuard) Close() error { return nil }

// fail answers status as problem+json.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, status int, detail string) {
	problem.Write(w, r, problem.New(status, detail))
}

// unavailable answers 503 with Retry-After in whole seconds, at least one.
func (h *handler) unavailable(w http.ResponseWriter, r *http.Request, wait time.Duration, detail string) {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	problem.Write(w, r, problem.New(http.StatusServiceUnavailable, detail).WithHeader("Retry-After", strconv.Itoa(secs)))
}
