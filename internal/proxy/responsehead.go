package proxy

import (
	"bytes"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/portico-dev/portico/internal/httptoken"
)

// responseHead is an upstream answer's head as the lean path reads it: the
// fields that frame the body, and the end-to-end fields, which go to the
// client's header only once the whole head is read and valid, so that a
// broken answer leaves the client's header as it was.
type responseHead struct {
	code  int
	minor byte

	connection, transferEncoding, contentLength, trailer []string
	contentType                                          string

	// Exactly one of mime (read by textproto) and fields (read by
	// parseBuffered) holds the fields.
	mime   http.Header
	fields []headField
}

// headField is one field of a head parsed in place.
type headField struct {
	key    string
	value  []string // one value, with no room to append into
	repeat bool     // an earlier field has the same name
}

// commitTo copies the end-to-end fields into dst: not the hop-by-hop ones
// nor those the Connection field names.
func (h *responseHead) commitTo(dst http.Header) {
	if h.mime != nil {
		copyEndToEnd(dst, h.mime)
		return
	}
	for _, f := range h.fields {
		if isHopHeader(f.key) {
			continue
		}
		if f.repeat {
			dst[f.key] = append(dst[f.key], f.value[0])
			continue
		}
		dst[f.key] = f.value
	}
	for _, v := range h.connection {
		for tok := range strings.SplitSeq(v, ",") {
			if tok = strings.TrimSpace(tok); tok != "" {
				delete(dst, http.CanonicalHeaderKey(tok))
			}
		}
	}
}

// fromMIME takes the fields textproto read.
func (h *responseHead) fromMIME(m textproto.MIMEHeader) {
	hdr := http.Header(m)
	h.mime, h.fields = hdr, nil
	h.connection = hdr["Connection"]
	h.transferEncoding = hdr["Transfer-Encoding"]
	h.contentLength = hdr["Content-Length"]
	h.trailer = hdr["Trailer"]
	if ct := hdr["Content-Type"]; len(ct) > 0 {
		h.contentType = ct[0]
	}
}

// isEventStream reports a server-sent event stream.
func (h *responseHead) isEventStream() bool {
	ct := h.contentType
	return len(ct) >= 17 && httptoken.EqualFold(ct[:17], "text/event-stream")
}

// parseBuffered parses a final (not 1xx) answer's head that is all in buf,
// the reader's buffered bytes, and returns its length. It takes only the
// plain shape: CRLF line ends, one line per field, token names and valid
// values; anything else (0, false) is left to textproto, which has read
// every shape since before this parser, so that both agree on what they
// both take. buf's field names are canonicalized in place.
func (h *responseHead) parseBuffered(buf []byte, fields []headField) (int, bool) {
	end := bytes.Index(buf, crlfcrlf)
	if end < 0 {
		return 0, false
	}
	head := buf[:end+2] // each line with its CRLF
	// The status line: "HTTP/1.x NNN[ reason]".
	nl := bytes.IndexByte(head, '\n')
	line := head[:nl]
	if len(line) < 13 || line[len(line)-1] != '\r' || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, false
	}
	line = line[:len(line)-1]
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	code := int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
	if code < 200 || (len(line) > 12 && line[12] != ' ') {
		return 0, false
	}
	for _, c := range line[12:] {
		if !validValueByte(c) {
			return 0, false
		}
	}
	h.code, h.minor = code, line[7]
	rest := head[nl+1:]

	// Every value is cut from one string: one allocation for them all.
	lines := bytes.Count(rest, crlf)
	if lines > maxBufferedFields {
		return 0, false
	}
	all := string(rest)
	values := make([]string, 0, lines)
	for off := 0; off < len(rest); {
		nl := bytes.IndexByte(rest[off:], '\n')
		line := rest[off : off+nl]
		lineStart := off
		off += nl + 1
		if len(line) == 0 || line[len(line)-1] != '\r' {
			return 0, false
		}
		line = line[:len(line)-1]
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return 0, false
		}
		key := line[:colon]
		for _, c := range key {
			if !validFieldByte(c) {
				return 0, false
			}
		}
		// Canonicalized in place, as textproto does: should a later line
		// send the head to textproto, it finds the same names.
		upper := true
		for i, c := range key {
			if upper && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			} else if !upper && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			key[i] = c
			upper = c == '-'
		}
		v := line[colon+1:]
		for _, c := range v {
			if !validValueByte(c) {
				return 0, false
			}
		}
		from, to := colon+1, len(line)
		for from < to && (line[from] == ' ' || line[from] == '\t') {
			from++
		}
		for to > from && (line[to-1] == ' ' || line[to-1] == '\t') {
			to--
		}
		k := internKey(key)
		values = append(values, all[lineStart+from:lineStart+to])
		f := headField{key: k, value: values[len(values)-1 : len(values) : len(values)]}
		for _, g := range fields {
			if g.key == k {
				f.repeat = true
				break
			}
		}
		fields = append(fields, f)
		switch k {
		case "Connection":
			h.connection = addValue(h.connection, f.value)
		case "Transfer-Encoding":
			h.transferEncoding = addValue(h.transferEncoding, f.value)
		case "Content-Length":
			h.contentLength = addValue(h.contentLength, f.value)
		case "Trailer":
			h.trailer = addValue(h.trailer, f.value)
		case "Content-Type":
			if !f.repeat {
				h.contentType = f.value[0] // the first, as textproto's [0]
			}
		}
	}
	h.mime, h.fields = nil, fields
	return end + 4, true
}

// addValue adds v's one value to vv, sharing v when vv is empty.
func addValue(vv, v []string) []string {
	if vv == nil {
		return v
	}
	return append(vv[:len(vv):len(vv)], v[0])
}

// maxBufferedFields bounds the fields the buffered parser takes: it finds
// repeated names by comparing with the earlier ones, which is cheapest for
// the few fields of a usual answer; a head with many is textproto's.
const maxBufferedFields = 64

var (
	crlf     = []byte("\r\n")
	crlfcrlf = []byte("\r\n\r\n")
)

// commonKeys holds the field names upstreams send most, so that reading
// them allocates nothing. It is never written after package init.
var commonKeys = func() map[string]string {
	m := make(map[string]string)
	for _, k := range []string{
		"Accept-Ranges", "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers",
		"Access-Control-Allow-Methods", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers",
		"Access-Control-Max-Age", "Age", "Allow", "Cache-Control", "Connection", "Content-Disposition",
		"Content-Encoding", "Content-Language", "Content-Length", "Content-Location", "Content-Range",
		"Content-Security-Policy", "Content-Type", "Date", "Etag", "Expires", "Keep-Alive", "Last-Modified",
		"Link", "Location", "Pragma", "Proxy-Authenticate", "Proxy-Connection", "Referrer-Policy", "Retry-After",
		"Server", "Set-Cookie", "Strict-Transport-Security", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
		"Vary", "Via", "Www-Authenticate", "X-Content-Type-Options", "X-Frame-Options", "X-Request-Id",
		"X-Powered-By", "X-Xss-Protection", "X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset",
	} {
		m[k] = k
	}
	return m
}()

// internKey returns a canonical name as a string, without allocating for
// a common one.
func internKey(k []byte) string {
	if s, ok := commonKeys[string(k)]; ok {
		return s
	}
	return string(k)
}

// validFieldByte reports a token byte (RFC 9110 5.6.2), as textproto.
func validFieldByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// validValueByte reports a byte textproto accepts in a field value:
// VCHAR, SP, HTAB and obs-text.
func validValueByte(c byte) bool {
	return c >= 0x80 || (c >= 0x20 && c != 0x7f) || c == '\t'
}
