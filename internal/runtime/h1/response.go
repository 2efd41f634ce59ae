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
type response struct {
	c      *conn
	req    *http.Request
	header http.Header
	status int

	wroteHeader bool // the status is fixed
	committed   bool // the head is in the write buffer
	chunked     bool
	noBody      bool  // HEAD, 1xx, 204, 304
	declared    int64 // the handler's Content-Length, -1 when none
	written     int64 // body bytes the handler wrote
	closeAfter  bool
	failed      bool // a write to the client failed
	trailers    []string
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
	if cl := w.header["Content-Length"]; len(cl) == 1 {
		if n, err := strconv.ParseInt(cl[0], 10, 64); err == nil && n >= 0 {
			w.declared = n
		}
	}
}

// writeInformational sends a 1xx answer (103 Early Hints) at once, with
// the headers set so far, as net/http does.
func (w *response) writeInformational(code int) {
	if w.committed {
		return
	}
	bw := w.c.bw
	writeStatusLine(bw, code)
	for k, vv := range w.header {
		writeField(bw, k, vv)
	}
	bw.WriteString("\r\n")
	_ = bw.Flush()
}

func (w *response) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.failed {
		return 0, errWrite
	}
	if w.noBody {
		if w.req.Method == http.MethodHead {
			w.written += int64(len(p))
			return len(p), nil
		}
		return 0, http.ErrBodyNotAllowed
	}
	if w.declared >= 0 && w.written+int64(len(p)) > w.declared {
		return 0, http.ErrContentLength
	}
	w.written += int64(len(p))
	if !w.committed {
		if len(w.c.hold)+len(p) <= holdSize {
			w.c.hold = append(w.c.hold, p...)
			return len(p), nil
		}
		w.commit(false)
	}
	w.writeBody(p)
	if w.failed {
		return 0, errWrite
	}
	return len(p), nil
}

// WriteString saves the copy io.WriteString would make.
func (w *response) WriteString(s string) (int, error) {
	if !w.committed && !w.failed && w.wroteHeader && !w.noBody && w.declared < 0 && len(w.c.hold)+len(s) <= holdSize {
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
		w.commit(false)
	}
	if err := w.c.bw.Flush(); err != nil {
		w.failed = true
		return err
	}
	return nil
}

// SetReadDeadline serves http.ResponseController.
func (w *response) SetReadDeadline(t time.Time) error { return w.c.rwc.SetReadDeadline(t) }

// SetWriteDeadline serves http.ResponseController.
func (w *response) SetWriteDeadline(t time.Time) error { return w.c.rwc.SetWriteDeadline(t) }

// EnableFullDuplex serves http.ResponseController; a lean request has no
// body to read while writing.
func (w *response) EnableFullDuplex() error { return nil }

// commit writes the head into the write buffer, then the held body. final
// says the handler has returned, so the held body is all of it.
func (w *response) commit(final bool) {
	w.committed = true
	bw := w.c.bw
	writeStatusLine(bw, w.status)
	h := w.header
	for k, vv := range h {
		switch k {
		case "Content-Length", "Transfer-Encoding", "Connection":
			continue
		case "Trailer":
			for _, v := range vv {
				for _, t := range strings.Split(v, ",") {
					if t = strings.TrimSpace(t); t != "" {
						w.trailers = append(w.trailers, http.CanonicalHeaderKey(t))
					}
				}
			}
		}
		if strings.HasPrefix(k, http.TrailerPrefix) {
			continue
		}
		writeField(bw, k, vv)
	}
	if _, ok := h["Date"]; !ok {
		// AvailableBuffer: appending into bufio's own buffer allocates
		// nothing.
		bw.Write(append(time.Now().UTC().AppendFormat(append(bw.AvailableBuffer(), "Date: "...), http.TimeFormat), '\r', '\n'))
	}
	hold := w.c.hold
	if _, ok := h["Content-Type"]; !ok && !w.noBody && len(hold) > 0 {
		bw.WriteString("Content-Type: ")
		bw.WriteString(http.DetectContentType(hold))
		bw.WriteString("\r\n")
	}
	switch {
	case w.status == http.StatusNoContent || (w.status >= 100 && w.status <= 199):
	case w.declared >= 0 && len(w.trailers) == 0:
		writeLength(bw, w.declared)
	case w.req.Method == http.MethodHead:
		if final && w.written > 0 {
			writeLength(bw, w.written)
		}
	case w.status == http.StatusNotModified:
	case final && len(w.trailers) == 0:
		writeLength(bw, int64(len(hold)))
	default:
		w.chunked = true
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	if w.closeAfter || hasClose(h["Connection"]) {
		w.closeAfter = true
		bw.WriteString("Connection: close\r\n")
	}
	bw.WriteString("\r\n")
	if len(hold) > 0 {
		w.c.hold = hold[:0]
		w.writeBody(hold)
	}
}

// finish completes the answer after the handler returned and reports
// whether the connection may carry another request.
func (w *response) finish() bool {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.committed {
		w.commit(true)
	}
	bw := w.c.bw
	if w.chunked {
		bw.WriteString("0\r\n")
		for _, k := range w.trailers {
			if vv := w.header[k]; len(vv) > 0 {
				writeField(bw, k, vv)
			}
		}
		for k, vv := range w.header {
			if strings.HasPrefix(k, http.TrailerPrefix) {
				writeField(bw, k[len(http.TrailerPrefix):], vv)
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

// statusLines are the common status lines, ready to write.
var statusLines = func() map[int]string {
	m := map[int]string{}
	for code := 100; code < 600; code++ {
		if t := http.StatusText(code); t != "" {
			m[code] = "HTTP/1.1 " + strconv.Itoa(code) + " " + t + "\r\n"
		}
	}
	return m
}()

func writeStatusLine(bw *bufio.Writer, code int) {
	if l, ok := statusLines[code]; ok {
		bw.WriteString(l)
		return
	}
	bw.Write(append(strconv.AppendInt(append(bw.AvailableBuffer(), "HTTP/1.1 "...), int64(code), 10), " status code\r\n"...))
}

func writeLength(bw *bufio.Writer, n int64) {
	bw.Write(append(strconv.AppendInt(append(bw.AvailableBuffer(), "Content-Length: "...), n, 10), '\r', '\n'))
}

// writeField writes one header field per value; names that are not tokens
// are dropped and line breaks in values become spaces, as net/http does,
// so no value can split the answer.
func writeField(bw *bufio.Writer, k string, vv []string) {
	if !httpguts.ValidHeaderFieldName(k) {
		return
	}
	for _, v := range vv {
		bw.WriteString(k)
		bw.WriteString(": ")
		if needsCleaning(v) {
			v = strings.TrimSpace(strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(v))
		}
		bw.WriteString(v)
		bw.WriteString("\r\n")
	}
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
