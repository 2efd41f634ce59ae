package proxy

import (
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
)

// Header names the proxy sets.
const (
	headerRequestID       = "X-Request-Id"
	headerForwardedFor    = "X-Forwarded-For"
	headerForwardedHost   = "X-Forwarded-Host"
	headerForwardedProto  = "X-Forwarded-Proto"
	headerForwardedPrefix = "X-Forwarded-Prefix"
	headerForwardedAuth   = "X-Forwarded-Authorization"
)

// Shared values: a header's []string may be shared by every request as
// long as nobody appends to it, which neither net/http nor this package does.
var (
	protoHTTP       = []string{"http"}
	protoHTTPS      = []string{"https"}
	connUpgrade     = []string{"Upgrade"}
	emptyValue      = []string{""}
	requestIDHeader = http.CanonicalHeaderKey(headerRequestID)
)

// isHopHeader reports the hop-by-hop headers of RFC 9110 (and the old
// Proxy-Connection and Keep-Alive): they describe one connection and are
// never forwarded, either way.
func isHopHeader(k string) bool {
	switch k {
	case "Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
		"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade":
		return true
	}
	return false
}

// copyEndToEnd copies the end-to-end headers of src into dst, sharing the
// value slices, and leaves out hop-by-hop ones and those Connection names.
func copyEndToEnd(dst, src http.Header) {
	for k, vv := range src {
		if isHopHeader(k) {
			continue
		}
		dst[k] = vv
	}
	for _, v := range src["Connection"] {
		for tok := range strings.SplitSeq(v, ",") {
			if tok = strings.TrimSpace(tok); tok != "" {
				delete(dst, http.CanonicalHeaderKey(tok))
			}
		}
	}
}

// upgradeType is the protocol a request asks to switch to ("websocket"),
// "" when it asks for none.
func upgradeType(h http.Header) string {
	conn := h["Connection"]
	if len(conn) == 0 {
		return ""
	}
	for _, v := range conn {
		for tok := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return h.Get("Upgrade")
			}
		}
	}
	return ""
}

// requestHeader builds the header sent upstream for r.
func (h *handler) requestHeader(r *http.Request, upgrade string) http.Header {
	in := r.Header
	u := h.up
	out := make(http.Header, len(in)+6)
	copyEndToEnd(out, in)
	if te := in["Te"]; len(te) > 0 && hasToken(te, "trailers") {
		// gRPC and friends need to know trailers are understood.
		out["Te"] = []string{"trailers"}
	}
	if _, ok := out["User-Agent"]; !ok {
		// An empty value keeps the transport from adding its own.
		out["User-Agent"] = emptyValue
	}
	if upgrade != "" {
		out["Connection"] = connUpgrade
		out["Upgrade"] = []string{upgrade}
	}

	// X-Forwarded-For grows by this hop; the others describe this hop only.
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if prior := in[headerForwardedFor]; len(prior) > 0 {
			ip = strings.Join(prior, ", ") + ", " + ip
		}
		out[headerForwardedFor] = []string{ip}
	}
	out[headerForwardedHost] = []string{r.Host}
	if r.TLS != nil {
		out[headerForwardedProto] = protoHTTPS
	} else {
		out[headerForwardedProto] = protoHTTP
	}
	if h.prefixValue != nil {
		out[headerForwardedPrefix] = h.prefixValue
	} else {
		delete(out, headerForwardedPrefix)
	}

	delete(out, headerForwardedAuth)
	if auth := in["Authorization"]; len(auth) > 0 && u.forwardAuth {
		out[headerForwardedAuth] = auth
	}
	switch u.authType {
	case "passThrough":
	case "basic":
		out["Authorization"] = u.authValue
	default:
		delete(out, "Authorization")
	}

	for _, k := range u.reqDel {
		delete(out, k)
	}
	for _, hv := range u.reqAdd {
		out[hv.key] = hv.value
	}
	return out
}

// requestID is the caller's X-Request-Id, or a new one.
func requestID(in http.Header) []string {
	if v := in[requestIDHeader]; len(v) > 0 && v[0] != "" {
		return v[:1]
	}
	return []string{newRequestID()}
}

// newRequestID draws a random UUID (version 4). The runtime's generator is
// enough: ids must not collide, they need not be unguessable, and it costs
// no system call.
func newRequestID() string {
	const hexDigits = "0123456789abcdef"
	hi, lo := rand.Uint64(), rand.Uint64()
	hi = hi&^(0xf<<12) | 0x4<<12 // version 4
	lo = lo&^(0x3<<62) | 0x2<<62 // RFC 4122 variant
	var b [36]byte
	j := 0
	put := func(v uint64, nibbles int) {
		for i := nibbles - 1; i >= 0; i-- {
			b[j] = hexDigits[(v>>(uint(i)*4))&0xf]
			j++
		}
	}
	put(hi>>32, 8)
	b[j] = '-'
	j++
	put(hi>>16, 4)
	b[j] = '-'
	j++
	put(hi, 4)
	b[j] = '-'
	j++
	put(lo>>48, 4)
	b[j] = '-'
	j++
	put(lo, 12)
	return string(b[:])
}

func hasToken(vv []string, token string) bool {
	for _, v := range vv {
		for tok := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), token) {
				return true
			}
		}
	}
	return false
}

// responseHeader copies the upstream's answer headers to w's.
func (h *handler) responseHeader(dst http.Header, resp *http.Response, id []string) {
	copyEndToEnd(dst, resp.Header)
	for _, k := range h.up.respDel {
		delete(dst, k)
	}
	for _, hv := range h.up.respAdd {
		dst[hv.key] = hv.value
	}
	if _, ok := dst[requestIDHeader]; !ok {
		dst[requestIDHeader] = id
	}
}
