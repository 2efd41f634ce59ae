package proxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/portico-dev/portico/internal/httptoken"
)

// The lean path forwards the common case, a GET or HEAD without a body to
// a plain-http target, on the handler's own goroutine: it writes the
// request into the connection's buffer, reads the answer's head with
// textproto and copies the body straight to the client. Everything else
// (bodies, upgrades, TLS targets) goes through net/http's Transport. The
// peer comparison in docs/performance.md is why it exists.

// aLongTimeAgo is a deadline that makes blocked I/O return at once.
var aLongTimeAgo = time.Unix(1, 0)

var errMalformedResponse = errors.New("proxy: malformed response from the upstream")

// leanMethod reports the requests the lean path takes: bodiless GET and
// HEAD may be sent again when a pooled connection turns out closed.
func leanMethod(r *http.Request, body io.ReadCloser, upgrade string) bool {
	return body == nil && upgrade == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead)
}

// forwardLean makes one call to t and writes the answer. An error means
// nothing was written to w: the caller answers it (502, 504, or another
// target).
func (h *handler) forwardLean(ctx context.Context, w http.ResponseWriter, r *http.Request, t *target, rest, rawRest string, id []string) error {
	for try := 0; ; try++ {
		var c *h1Conn
		var err error
		if try == 0 {
			c, err = t.pool.get(ctx)
		} else {
			// The upstream closed a pooled connection: after a restart the
			// other idle ones are dead too, so the retry dials.
			c, err = t.pool.dial(ctx)
		}
		if err != nil {
			return err
		}
		err = h.exchangeLean(ctx, w, r, t, c, rest, rawRest, id)
		if err == errStale && try == 0 {
			// The upstream closed the idle connection as we took it: the
			// request was not processed, so it goes out once more on a
			// fresh connection.
			continue
		}
		if err == errStale {
			err = errMalformedResponse
		}
		return err
	}
}

// errStale marks a pooled connection that failed before any answer.
var errStale = errors.New("proxy: stale pooled connection")

// quickWait is how long a lean call waits for its answer before it
// watches its context. Most answers come sooner, and a call that never
// registers with its context saves that work; a client that goes away is
// noticed only after the HTTP server's own watch starts (10 ms) anyway.
const quickWait = 10 * time.Millisecond

func (h *handler) exchangeLean(ctx context.Context, w http.ResponseWriter, r *http.Request, t *target, c *h1Conn, rest, rawRest string, id []string) (err error) {
	u := h.up
	c.ctx, c.stop = ctx, nil
	reuse := false
	defer func() {
		// stop is false when the context fired: the deadline is spent.
		done := c.stop == nil || c.stop()
		c.ctx, c.stop = nil, nil
		if done && reuse {
			t.pool.put(c)
		} else {
			_ = c.conn.Close()
		}
	}()

	bw := c.bw
	bw.WriteString(r.Method)
	bw.WriteByte(' ')
	writeRequestTarget(bw, t, rest, rawRest, r.URL.RawQuery)
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(t.host)
	bw.WriteString("\r\n")
	h.writeHeaderLean(bw, r, id[0])
	bw.WriteString("\r\n")
	c.final = true
	err = bw.Flush()
	c.final = false
	if err != nil {
		if c.reused && ctx.Err() == nil {
			return errStale
		}
		return err
	}

	// The wait for the answer: first a short one without the context's
	// watch, then, for a slow answer, the rest of the header timeout with it.
	start := time.Now()
	wait, quick := quickWait, true
	if u.headerTimeout > 0 && u.headerTimeout <= wait {
		wait, quick = u.headerTimeout, false
	}
	if dl, ok := ctx.Deadline(); ok && quick && dl.Sub(start) < wait {
		// The total timeout ends sooner: the short wait ends with it, and
		// the watched wait after it finds the context done.
		wait = max(dl.Sub(start), time.Microsecond)
	}
	if c.stop != nil {
		// A large head registered already.
		wait, quick = u.headerTimeout, false
	}
	if wait > 0 {
		slack := time.Duration(0)
		if quick {
			// Only a heuristic: a deadline set by a call on this
			// connection a little earlier serves as well, and saves a
			// timer change on a busy connection.
			slack = wait / 2
		}
		c.setReadDeadline(start.Add(wait), slack)
	} else {
		// No header timeout: the short wait of an earlier call must not
		// end this one.
		c.setReadDeadline(time.Time{}, 0)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.cr.n = MaxResponseHeaderBytes
	_, err = c.br.Peek(1)
	if quick && isTimeout(err) {
		if err := c.waitWatched(start, u.headerTimeout); err != nil {
			return err
		}
		_, err = c.br.Peek(1)
	}
	if err != nil {
		if c.reused && ctx.Err() == nil && (err == io.EOF || errors.Is(err, syscall.ECONNRESET)) {
			return errStale
		}
		return err
	}

	var head responseHead
	buf, _ := c.br.Peek(c.br.Buffered())
	if n, ok := head.parseBuffered(buf, c.fields[:0]); ok {
		_, _ = c.br.Discard(n)
		c.fields = head.fields
	} else {
		if c.stop == nil {
			// The rest of the head may be slow to come.
			if err := c.waitWatched(start, u.headerTimeout); err != nil {
				return err
			}
		}
		if err := h.readHeadSlow(c, &head); err != nil {
			return err
		}
	}
	c.cr.n = -1
	code := head.code
	if code == http.StatusSwitchingProtocols {
		// Not asked for: the lean path never sends Upgrade.
		return errMalformedResponse
	}

	keepAlive := head.minor != '0' && !hasToken(head.connection, "close")
	var (
		body    io.Reader
		limited *io.LimitedReader
		chunked bool
		length  int64 = -1
	)
	switch {
	case r.Method == http.MethodHead || code == http.StatusNoContent || code == http.StatusNotModified:
	case len(head.transferEncoding) > 0:
		if te := head.transferEncoding; len(te) == 1 && httptoken.EqualFold(te[0], "chunked") {
			chunked = true
			body = httputil.NewChunkedReader(c.br)
		} else {
			// Read to the end of the connection, as RFC 9112 6.3 says.
			body, keepAlive = c.br, false
		}
	case len(head.contentLength) > 0:
		cl := head.contentLength
		n, err := strconv.ParseInt(cl[0], 10, 64)
		if err != nil || n < 0 || (len(cl) > 1 && !allEqual(cl)) {
			return errMalformedResponse
		}
		length = n
		c.limited = io.LimitedReader{R: c.br, N: n}
		limited = &c.limited
		body = limited
	default:
		body, keepAlive = c.br, false
	}

	// A body already in the buffer (the common short answer) reads
	// nothing more: the deadline of the wait may stay, and the next call
	// on this connection sets its own first. A body still to come is
	// read without a deadline, with the context watched.
	inBuffer := limited != nil && int64(c.br.Buffered()) >= length
	if body != nil && !inBuffer {
		c.watch()
		c.setReadDeadline(time.Time{}, 0)
		if err := ctx.Err(); err != nil {
			return err
		}
	}

	ok := code != http.StatusBadGateway && code != http.StatusServiceUnavailable && code != http.StatusGatewayTimeout
	if ok {
		u.succeeded(t)
	} else {
		u.failed(t)
	}
	u.breakerDone(ok)

	dst := w.Header()
	head.commitTo(dst)
	if tr := head.trailer; len(tr) > 0 && chunked {
		dst["Trailer"] = tr
	}
	for _, k := range u.respDel {
		delete(dst, k)
	}
	for _, hv := range u.respAdd {
		dst[hv.key] = hv.value
	}
	if _, ok := dst[requestIDHeader]; !ok {
		dst[requestIDHeader] = id
	}
	w.WriteHeader(code)
	if body == nil {
		reuse = keepAlive && c.br.Buffered() == 0
		return nil
	}
	flush := length < 0 || head.isEventStream()
	if flush {
		_ = http.NewResponseController(w).Flush()
	}
	var readErr, writeErr error
	if inBuffer && !flush {
		// The whole body is buffered: written from the buffer, no copy.
		b, _ := c.br.Peek(int(length))
		_, writeErr = w.Write(b)
		_, _ = c.br.Discard(int(length))
		limited.N = 0
	} else {
		readErr, writeErr = copyBody(w, body, flush)
	}
	if readErr == nil && limited != nil && limited.N > 0 {
		readErr = io.ErrUnexpectedEOF
	}
	if readErr != nil && r.Context().Err() == nil {
		u.log.Debug("proxy: the upstream body broke off", "proxy", u.name, "target", t.display, "err", readErr)
		_ = c.conn.Close()
		panic(http.ErrAbortHandler)
	}
	if readErr != nil || writeErr != nil {
		return nil
	}
	if chunked {
		trailer, err := c.tp.ReadMIMEHeader()
		if err != nil {
			return nil
		}
		for k, vv := range trailer {
			dst[http.TrailerPrefix+k] = vv
		}
	}
	// Bytes past the answer mean the upstream and the gateway disagree on
	// its framing: the connection cannot carry another call.
	reuse = keepAlive && c.br.Buffered() == 0
	return nil
}

// readHeadSlow reads the answer's head with textproto: every shape the
// buffered parser leaves (a head still arriving, 1xx answers, folded or
// unusual lines).
func (h *handler) readHeadSlow(c *h1Conn, head *responseHead) error {
	for {
		line, err := c.br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
			return errMalformedResponse
		}
		minor := line[7]
		code := int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
		if code < 100 || code > 999 || (len(line) > 12 && line[12] != ' ' && line[12] != '\r' && line[12] != '\n') {
			return errMalformedResponse
		}
		mh, err := c.tp.ReadMIMEHeader()
		if err != nil {
			if errors.Is(err, errHeaderTooLarge) {
				return errHeaderTooLarge
			}
			return err
		}
		if code >= 200 || code == http.StatusSwitchingProtocols {
			head.code, head.minor = code, minor
			head.fromMIME(mh)
			return nil
		}
		// 1xx informational answers (103 Early Hints) are passed over.
	}
}

// waitWatched turns a quick wait into a watched one: the read deadline
// becomes the header timeout from start (none when 0), and the context's
// cancellation ends the wait.
func (c *h1Conn) waitWatched(start time.Time, headerTimeout time.Duration) error {
	c.watch()
	if headerTimeout > 0 {
		c.setReadDeadline(start.Add(headerTimeout), 0)
	} else {
		c.setReadDeadline(time.Time{}, 0)
	}
	// After the deadline is set: a cancellation from now on overrides it.
	return c.ctx.Err()
}

// isTimeout reports a read deadline's error.
func isTimeout(err error) bool {
	return err != nil && errors.Is(err, os.ErrDeadlineExceeded)
}

func allEqual(vv []string) bool {
	for _, v := range vv[1:] {
		if v != vv[0] {
			return false
		}
	}
	return true
}

// stringWriter is what writeRequestTarget writes to (a *bufio.Writer).
type stringWriter interface {
	WriteString(string) (int, error)
	WriteByte(byte) error
}

// writeRequestTarget writes the origin-form target of one call: the
// target's path, the forwarded path and the query, escaped as received.
func writeRequestTarget(bw stringWriter, t *target, rest, rawRest, query string) {
	bw.WriteString(t.escPath)
	switch {
	case rawRest != "":
		bw.WriteString(rawRest)
	case pathIsPlain(rest):
		bw.WriteString(rest)
	default:
		bw.WriteString((&url.URL{Path: rest}).EscapedPath())
	}
	if t.escPath == "" && rest == "" {
		bw.WriteByte('/')
	}
	if query != "" {
		bw.WriteByte('?')
		bw.WriteString(query)
	}
}

// pathIsPlain reports a path that needs no escaping in a request target.
func pathIsPlain(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '/' || c == '-' || c == '_' || c == '.' || c == '~' || c == '$' || c == '&' || c == '+' ||
			c == ',' || c == ':' || c == ';' || c == '=' || c == '@' || c == '!' || c == '\'' || c == '(' || c == ')' || c == '*':
		default:
			return false
		}
	}
	return true
}

// writeHeaderLean writes the header requestHeader would build, field by
// field, without building a map.
func (h *handler) writeHeaderLean(bw *bufio.Writer, r *http.Request, id string) {
	u := h.up
	in := r.Header
	for k, vv := range in {
		if h.managed(k) {
			continue
		}
		for _, v := range vv {
			writeField(bw, k, v)
		}
	}
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		bw.WriteString("X-Forwarded-For: ")
		for _, p := range in[headerForwardedFor] {
			bw.WriteString(p)
			bw.WriteString(", ")
		}
		bw.WriteString(ip)
		bw.WriteString("\r\n")
	}
	writeField(bw, headerForwardedHost, r.Host)
	if r.TLS != nil {
		writeField(bw, headerForwardedProto, "https")
	} else {
		writeField(bw, headerForwardedProto, "http")
	}
	if h.prefixValue != nil {
		writeField(bw, headerForwardedPrefix, h.prefix)
	}
	if u.forwardAuth && !u.removes(headerForwardedAuth) {
		for _, v := range in["Authorization"] {
			writeField(bw, headerForwardedAuth, v)
		}
	}
	if u.authType == "basic" && !u.removes("Authorization") {
		writeField(bw, "Authorization", u.authValue[0])
	}
	for _, hv := range u.reqAdd {
		writeField(bw, hv.key, hv.value[0])
	}
	writeField(bw, requestIDHeader, id)
}

// managed reports an inbound header the proxy drops or replaces.
func (h *handler) managed(k string) bool {
	if isHopHeader(k) {
		return true
	}
	switch k {
	case "Host", headerForwardedFor, headerForwardedHost, headerForwardedProto, headerForwardedPrefix,
		headerForwardedAuth, requestIDHeader:
		return true
	case "Authorization":
		if h.up.authType != "passThrough" {
			return true
		}
	}
	u := h.up
	for _, d := range u.reqDel {
		if d == k {
			return true
		}
	}
	for _, a := range u.reqAdd {
		if a.key == k {
			return true
		}
	}
	return false
}

// removes reports a header the spec removes from requests.
func (u *Upstream) removes(k string) bool {
	for _, d := range u.reqDel {
		if d == k {
			return true
		}
	}
	return false
}

func writeField(bw *bufio.Writer, k, v string) {
	bw.WriteString(k)
	bw.WriteString(": ")
	bw.WriteString(v)
	bw.WriteString("\r\n")
}
