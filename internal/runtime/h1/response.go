package h1

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
)

// response is the http.ResponseWriter of one lean request. Up to holdSize
// bytes of body are held, so that a short answer leaves with a
// Content-Length, its head and body in one write; a longer one, or one
// flushed early, is sent chunked unless the handler set Content-Length.
//
// The head is formatted when the status is fixed (WriteHeader, or the
// first Write), into the connection's reused buffer: like net/http, later
// changes to the header map reach the answer only as trailers.
type response struct {
	c      *conn
	req    *http.Request
	header http.Header
	status int

	wroteHeader bool // the status is fixed and the head formatted
	committed   bool // the head is in the write buffer
	chunked     bool
	noBody      bool  // HEAD, 1xx, 204, 304
	declared    int64 // the handler's Content-Length, -1 when none
	written     int64 // body bytes the handler wrote
	closeAfter  bool
	failed      bool // a write to the client failed
	sniff       bool // Content-Type comes from the body's first bytes
	trailers    bool // declared trailers or TrailerPrefix keys
	declaredTr  []string
}

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	if code < 100 || code > 999 {
		code = http.StatusInternalServerError
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		w.writeInformational(code)
		return
	}
	w.wroteHeader = true
	w.status = code
	w.noBody = w.req.Method == http.MethodHead || !bodyAllowed(code)
	h := w.header
	if cl := h["Content-Length"]; len(cl) == 1 && code != http.StatusNotModified {
		if n, err := strconv.ParseInt(cl[0], 10, 64); err == nil && n >= 0 {
			w.declared = n
		}
	}
	if hasClose(h["Connection"]) {
		w.closeAfter = true
	}
	// No sniffing behind a Content-Encoding (the bytes are compressed), as
	// net/http.
	_, haveType := h["Content-Type"]
	ce := h["Content-Encoding"]
	w.sniff = !haveType && code != http.StatusNotModified && (len(ce) == 0 || ce[0] == "")

	b := appendStatusLine(w.c.head[:0], code)
	for k, vv := range h {
		switch k {
		case "Content-Length", "Transfer-Encoding", "Connection":
			continue
		case "Content-Type":
			if code == http.StatusNotModified {
				continue
			}
		case "Trailer":
			w.trailers = true
			for _, v := range vv {
				for _, t := range strings.Split(v, ",") {
					if t = http.CanonicalHeaderKey(strings.TrimSpace(t)); t != "" && !forbiddenTrailer(t) {
						w.declaredTr = append(w.declaredTr, t)
					}
				}
			}
		}
		if strings.HasPrefix(k, http.TrailerPrefix) {
			w.trailers = true
			continue
		}
		b = appendField(b, k, vv)
	}
	if _, ok := h["Date"]; !ok {
		b = append(time.Now().UTC().AppendFormat(append(b, "Date: "...), http.TimeFormat), '\r', '\n')
	}
	w.c.head = b
}

// writeInformational sends a 1xx answer (103 Early Hints) at once, with
// the headers set so far but the framing ones, as net/http does.
func (w *response) writeInformational(code int) {
	if w.committed {
		return
	}
	b := appendStatusLine(w.c.head[:0], code)
	for k, vv := range w.header {
		if k != "Content-Length" && k != "Transfer-Encoding" {
			b = appendField(b, k, vv)
		}
	}
	b = append(b, '\r', '\n')
	w.c.head = b[:0]
	bw := w.c.bw
	bw.Write(b)
	if err := bw.Flush(); err != nil {
		w.failed = true
	}
}

func (w *response) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.failed {
		return 0, errWrite
	}
	if w.noBody && w.req.Method != http.MethodHead {
		return 0, http.ErrBodyNotAllowed
	}
	if w.declared >= 0 && w.written+int64(len(p)) > w.declared {
		return 0, http.ErrContentLength
	}
	w.written += int64(len(p))
	if !w.committed {
		if len(w.c.hold)+len(p) <= holdSize {
			// HEAD holds too: its Content-Type is sniffed as GET's would be.
			w.c.hold = append(w.c.hold, p...)
			return len(p), nil
		}
		w.commit(false, p)
	}
	if w.noBody {
		return len(p), nil
	}
	w.writeBody(p)
	if w.failed {
		return 0, errWrite
	}
	return len(p), nil
}

// WriteString saves the copy io.WriteString would make.
func (w *response) WriteString(s string) (int, error) {
	if !w.committed && !w.failed && w.wroteHeader && w.declared < 0 && len(w.c.hold)+len(s) <= holdSize &&
		(!w.noBody || w.req.Method == http.MethodHead) {
		w.written += int64(len(s))
		w.c.hold = append(w.c.hold, s...)
		return len(s), nil
	}
	return w.Write([]byte(s))
}

var errWrite = &writeError{}

// writeError reports a write to a client that went away.
type writeError struct{}

func (*writeError) Error() string { return "h1: the client connection failed" }

func (w *response) writeBody(p []byte) {
	bw := w.c.bw
	var err error
	if w.chunked {
		if len(p) == 0 {
			return
		}
		bw.Write(append(strconv.AppendInt(bw.AvailableBuffer(), int64(len(p)), 16), '\r', '\n'))
		bw.Write(p)
		_, err = bw.WriteString("\r\n")
	} else {
		_, err = bw.Write(p)
	}
	if err != nil {
		// bufio keeps the error: every later write fails alike.
		w.failed = true
	}
}

// Flush sends what is buffered, the head first.
func (w *response) Flush() { _ = w.FlushError() }

// FlushError is Flush for http.ResponseController.
func (w *response) FlushError() error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed {
		w.commit(false, nil)
	}
	if err := w.c.bw.Flush(); err != nil {
		w.failed = true
		return err
	}
	return nil
}

// SetReadDeadline serves http.ResponseController.
func (w *response) SetReadDeadline(t time.Time) error {
	w.c.deadlineSet = true
	return w.c.rwc.SetReadDeadline(t)
}

// SetWriteDeadline serves http.ResponseController.
func (w *response) SetWriteDeadline(t time.Time) error {
	w.c.writeDeadlineSet = true
	return w.c.rwc.SetWriteDeadline(t)
}

// EnableFullDuplex serves http.ResponseController; a lean request has no
// body to read while writing.
func (w *response) EnableFullDuplex() error { return nil }

// commit writes the head into the write buffer, then the held body. final
// says the handler has returned, so the held body is all of it; next is
// the write that did not fit the hold, for sniffing.
func (w *response) commit(final bool, next []byte) {
	w.committed = true
	bw := w.c.bw
	bw.Write(w.c.head)
	hold := w.c.hold
	if w.sniff && (len(hold) > 0 || len(next) > 0) {
		bw.WriteString("Content-Type: ")
		bw.WriteString(http.DetectContentType(sniffBytes(hold, next)))
		bw.WriteString("\r\n")
	}
	switch {
	case w.status == http.StatusNoContent || w.status == http.StatusNotModified || (w.status >= 100 && w.status <= 199):
	case w.req.Method == http.MethodHead:
		if w.declared >= 0 {
			writeLength(bw, w.declared)
		} else if final && w.written > 0 && !w.trailers {
			writeLength(bw, w.written)
		}
	case w.declared >= 0 && !w.trailers:
		writeLength(bw, w.declared)
	case final && !w.trailers:
		writeLength(bw, int64(len(hold)))
	default:
		w.chunked = true
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	if w.c.srv.closing.Load() {
		// Shutting down: this connection carries no other request.
		w.closeAfter = true
	}
	if w.closeAfter {
		bw.WriteString("Connection: close\r\n")
	}
	bw.WriteString("\r\n")
	w.c.hold = hold[:0]
	if len(hold) > 0 && !w.noBody {
		w.writeBody(hold)
	}
}

// sniffBytes returns the first bytes of hold followed by next, as many as
// http.DetectContentType reads.
func sniffBytes(hold, next []byte) []byte {
	const sniffLen = 512
	if len(hold) >= sniffLen || len(next) == 0 {
		return hold
	}
	if len(hold) == 0 {
		return next
	}
	b := make([]byte, 0, sniffLen)
	b = append(b, hold...)
	return append(b, next[:min(len(next), sniffLen-len(b))]...)
}

// finish completes the answer after the handler returned and reports
// whether the connection may carry another request.
func (w *response) finish() bool {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed {
		w.commit(true, nil)
	}
	bw := w.c.bw
	if w.chunked {
		bw.WriteString("0\r\n")
		for _, k := range w.declaredTr {
			if vv := w.header[k]; len(vv) > 0 {
				writeField(bw, k, vv)
			}
		}
		for k, vv := range w.header {
			if strings.HasPrefix(k, http.TrailerPrefix) {
				if k = k[len(http.TrailerPrefix):]; !forbiddenTrailer(http.CanonicalHeaderKey(k)) {
					writeField(bw, k, vv)
				}
			}
		}
		bw.WriteString("\r\n")
	}
	if err := bw.Flush(); err != nil {
		return false
	}
	if w.failed || (w.declared >= 0 && !w.noBody && w.written != w.declared) {
		// A body shorter than its Content-Length: the client must see the
		// connection end, not wait for the rest.
		return false
	}
	return !w.closeAfter
}

func bodyAllowed(code int) bool {
	return code >= 200 && code != http.StatusNoContent && code != http.StatusNotModified
}

func hasClose(vv []string) bool {
	return len(vv) > 0 && httpguts.HeaderValuesContainsToken(vv, "close")
}

// forbiddenTrailer reports the fields RFC 9110 6.5.1 keeps out of
// trailers, as net/http's badTrailer list.
func forbiddenTrailer(k string) bool {
	switch k {
	case "Authorization", "Cache-Control", "Connection", "Content-Encoding", "Content-Length", "Content-Range",
		"Content-Type", "Expect", "Host", "Keep-Alive", "Max-Forwards", "Pragma", "Proxy-Authenticate",
		"Proxy-Authorization", "Proxy-Connection", "Range", "Realm", "Te", "Trailer", "Transfer-Encoding",
		"Www-Authenticate":
		return true
	}
	return false
}

// statusLines are the common status lines, ready to write. It is built
// once and only read.
var statusLines = func() map[int]string {
	m := map[int]string{}
	for code := 100; code < 600; code++ {
		if t := http.StatusText(code); t != "" {
			m[code] = "HTTP/1.1 " + strconv.Itoa(code) + " " + t + "\r\n"
		}
	}
	return m
}()

func appendStatusLine(b []byte, code int) []byte {
	if l, ok := statusLines[code]; ok {
		return append(b, l...)
	}
	return append(strconv.AppendInt(append(b, "HTTP/1.1 "...), int64(code), 10), " status code\r\n"...)
}

func writeLength(bw *bufio.Writer, n int64) {
	bw.Write(append(strconv.AppendInt(append(bw.AvailableBuffer(), "Content-Length: "...), n, 10), '\r', '\n'))
}

// writeField writes one field per value into bw (trailers).
func writeField(bw *bufio.Writer, k string, vv []string) {
	bw.Write(appendField(bw.AvailableBuffer(), k, vv))
}

// appendField appends one field per value; names that are not tokens are
// dropped and line breaks in values become spaces, as net/http does, so no
// value can split the answer.
func appendField(b []byte, k string, vv []string) []byte {
	if !httpguts.ValidHeaderFieldName(k) {
		return b
	}
	for _, v := range vv {
		if needsCleaning(v) {
			v = strings.TrimSpace(strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(v))
		}
		b = append(b, k...)
		b = append(b, ": "...)
		b = append(b, v...)
		b = append(b, '\r', '\n')
	}
	return b
}

// needsCleaning reports a value with a line break or surrounding white
// space.
func needsCleaning(v string) bool {
	if len(v) > 0 && (v[0] <= ' ' || v[len(v)-1] <= ' ') {
		return true
	}
	for i := 0; i < len(v); i++ {
		if v[i] == '\r' || v[i] == '\n' {
			return true
		}
	}
	return false
}
