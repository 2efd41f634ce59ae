package endpoint

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Protected reports headers that never reach a process and that a process
// may never set (INTERFACE.md): Connection, Upgrade, Via, Host,
// Proxy-Authorization, Proxy-Connection and X-Forwarded-*.
func Protected(name string) bool {
	switch strings.ToLower(name) {
	case "connection", "upgrade", "via", "host", "proxy-authorization", "proxy-connection":
		return true
	}
	return len(name) >= 12 && strings.EqualFold(name[:12], "x-forwarded-")
}

// settable reports whether a process may set a response header: not a
// protected or hop-by-hop one, not the framing ones the server computes,
// and not the execution id.
func settable(name string) bool {
	if Protected(name) || !validHeaderName(name) {
		return false
	}
	switch strings.ToLower(name) {
	case "keep-alive", "proxy-authenticate", "te", "trailer", "trailers", "transfer-encoding",
		"content-length", "x-execution-id":
		return false
	}
	return true
}

func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

// headerValue renders a property as a header value; ok is false for values
// a header cannot carry (objects, arrays, control characters).
func headerValue(v any) (string, bool) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case int:
		s = strconv.Itoa(x)
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		s = strconv.FormatBool(x)
	case fmt.Stringer: // *big.Int
		s = x.String()
	default:
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return "", false
		}
	}
	return s, true
}

// wssPrefix marks headers that reach processes without being declared.
const wssPrefix = "X-Wss-"

// inHeaders copies the declared headers, and every X-WSS-* header, into
// props as inheader_{name}. Declared headers keep the spelling of the
// declaration; X-WSS-* ones are named X-WSS-{rest}. Several values are
// joined with ", " as RFC 9110 allows.
func inHeaders(props map[string]any, h http.Header, declared []declaredHeader) {
	for _, d := range declared {
		if vs := h[d.canonical]; len(vs) > 0 {
			props[d.prop] = strings.Join(vs, ", ")
		}
	}
	for k, vs := range h {
		if len(k) > len(wssPrefix) && k[:len(wssPrefix)] == wssPrefix {
			props["inheader_X-WSS-"+k[len(wssPrefix):]] = strings.Join(vs, ", ")
		}
	}
}

// declaredHeader is a request header an endpoint hands to its process.
type declaredHeader struct {
	canonical string // key in http.Header
	prop      string // inheader_{declared spelling}
}

func compileHeaders(names []string) []declaredHeader {
	out := make([]declaredHeader, 0, len(names))
	for _, n := range names {
		if Protected(n) || !validHeaderName(n) {
			continue
		}
		out = append(out, declaredHeader{canonical: http.CanonicalHeaderKey(n), prop: "inheader_" + n})
	}
	return out
}

// outHeaders sets the outheader_{name} properties on the answer, dropping
// those settable refuses.
func outHeaders(h http.Header, props map[string]any) {
	for k, v := range props {
		name, ok := strings.CutPrefix(k, "outheader_")
		if !ok || !settable(name) {
			continue
		}
		if s, ok := headerValue(v); ok {
			h.Set(name, s)
		}
	}
}
