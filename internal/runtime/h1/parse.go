package h1

import (
	"bytes"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"golang.org/x/net/http/httpguts"

	"github.com/portico-dev/portico/internal/httptoken"
)

// head is a request head the lean loop serves: HTTP/1.1, origin form, one
// valid Host, no body.
type head struct {
	method string
	target string
	url    *url.URL
	host   string
	header http.Header
	close  bool
}

// findHeadEnd returns the length of the head at the start of b (through
// its empty line), or -1 when the empty line has not arrived yet.
func findHeadEnd(b []byte) int {
	end := -1
	if i := bytes.Index(b, []byte("\n\r\n")); i >= 0 {
		end = i + 3
	}
	// A bare LF ends it too; parseHead then passes it to net/http.
	if i := bytes.Index(b, []byte("\n\n")); i >= 0 && (end < 0 || i+2 < end) {
		end = i + 2
	}
	return end
}

// parseHead parses the head b (ending with its empty line). ok is false for
// anything the lean loop leaves to net/http: other versions, bodies,
// Expect, upgrades, absolute-form targets, and every malformed shape (so
// that net/http's refusal answers it).
func parseHead(b []byte) (h head, ok bool) {
	// One string for the whole head: every name and value below is a
	// substring of it.
	s := string(b)
	eol := strings.Index(s, "\r\n")
	if eol < 0 {
		return h, false
	}
	line := s[:eol]
	s = s[eol+2:]
	sp1 := strings.IndexByte(line, ' ')
	if sp1 <= 0 {
		return h, false
	}
	sp2 := strings.IndexByte(line[sp1+1:], ' ')
	if sp2 < 0 {
		return h, false
	}
	sp2 += sp1 + 1
	h.method, h.target = line[:sp1], line[sp1+1:sp2]
	if line[sp2+1:] != "HTTP/1.1" || !validMethod(h.method) || len(h.target) == 0 || h.target[0] != '/' {
		return h, false
	}
	u, err := url.ParseRequestURI(h.target)
	if err != nil {
		return h, false
	}
	h.url = u

	// Header lines: the last two bytes are the empty line's CRLF.
	if len(s) < 2 || s[len(s)-2:] != "\r\n" {
		return h, false
	}
	s = s[:len(s)-2]
	n := strings.Count(s, "\r\n")
	h.header = make(http.Header, n)
	strs := make([]string, n)
	hosts := 0
	for len(s) > 0 {
		eol := strings.Index(s, "\r\n")
		if eol < 0 {
			return h, false
		}
		line, s = s[:eol], s[eol+2:]
		colon := strings.IndexByte(line, ':')
		// A leading space or tab is obs-fold; a space before the colon is
		// refused by RFC 9112 5.1. Both go to net/http.
		if colon <= 0 || strings.ContainsAny(line, "\r\n") {
			return h, false
		}
		name := line[:colon]
		value := trimOWS(line[colon+1:])
		if !httpguts.ValidHeaderFieldName(name) || !httpguts.ValidHeaderFieldValue(value) {
			return h, false
		}
		key := textproto.CanonicalMIMEHeaderKey(name)
		switch key {
		case "Host":
			hosts++
			h.host = value
			continue
		case "Content-Length", "Transfer-Encoding", "Expect", "Upgrade", "Te", "Trailer":
			return h, false
		case "Connection":
			switch {
			case httptoken.EqualFold(value, "close"):
				h.close = true
			case httptoken.EqualFold(value, "keep-alive"):
			default:
				// Tokens naming more hop-by-hop headers.
				return h, false
			}
		}
		if vv, seen := h.header[key]; seen {
			h.header[key] = append(vv, value)
			continue
		}
		vv := strs[:1:1]
		strs = strs[1:]
		vv[0] = value
		h.header[key] = vv
	}
	if hosts != 1 || !httpguts.ValidHostHeader(h.host) {
		return h, false
	}
	// As net/http (RFC 7234 5.4): Pragma: no-cache means Cache-Control:
	// no-cache when there is none, so handlers and upstreams see the same
	// headers whichever loop read the request.
	if hp := h.header["Pragma"]; len(hp) > 0 && hp[0] == "no-cache" {
		if _, ok := h.header["Cache-Control"]; !ok {
			h.header["Cache-Control"] = []string{"no-cache"}
		}
	}
	return h, true
}

// validMethod reports a method token; the lean loop takes the usual ones
// only, so that net/http answers anything exotic.
func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodDelete, http.MethodOptions, http.MethodPost,
		http.MethodPut, http.MethodPatch:
		return true
	}
	return false
}

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
