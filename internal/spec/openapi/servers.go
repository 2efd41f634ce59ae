package openapi

import (
	"net"
	"net/http"
	"regexp"
	"strings"
)

// ServersFromRequest returns the server URL of an API whose root path is
// prefix ("/ws/rest/erp/v1"): publicURL joined with prefix when set (the
// environment's address wins over whatever the request says), otherwise
// the address the caller used, as a reverse proxy reports it in Forwarded
// (RFC 7239) or X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-Prefix,
// falling back to the request's own scheme and Host. Values that do not
// look like a scheme, host or path are ignored, so a forged header cannot
// put markup or another URL shape into the document.
func ServersFromRequest(r *http.Request, prefix string, publicURL string) []string {
	prefix = "/" + strings.Trim(prefix, "/")
	if prefix == "/" {
		prefix = ""
	}
	if publicURL != "" {
		return []string{strings.TrimRight(publicURL, "/") + prefix}
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	fwdProto, fwdHost := forwarded(r.Header.Get("Forwarded"))
	if fwdProto == "" {
		fwdProto = firstValue(r.Header.Get("X-Forwarded-Proto"))
	}
	if fwdHost == "" {
		fwdHost = firstValue(r.Header.Get("X-Forwarded-Host"))
	}
	if p := strings.ToLower(fwdProto); p == "http" || p == "https" {
		scheme = p
	}
	if validHost(fwdHost) {
		host = fwdHost
	}
	if !validHost(host) {
		host = "localhost"
	}
	if fp := firstValue(r.Header.Get("X-Forwarded-Prefix")); fp != "" && prefixRE.MatchString(fp) {
		prefix = strings.TrimRight(fp, "/") + prefix
	}
	return []string{scheme + "://" + host + prefix}
}

// forwarded reads proto and host from the first element of a Forwarded
// header: the one the outermost proxy, facing the client, added.
func forwarded(h string) (proto, host string) {
	if h == "" {
		return "", ""
	}
	first, _, _ := strings.Cut(h, ",")
	for _, pair := range strings.Split(first, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "proto":
			proto = v
		case "host":
			host = v
		}
	}
	return proto, host
}

// firstValue is the first of a comma-separated header's values, which a
// chain of proxies appends to.
func firstValue(h string) string {
	v, _, _ := strings.Cut(h, ",")
	return strings.TrimSpace(v)
}

var (
	hostnameRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$`)
	prefixRE   = regexp.MustCompile(`^(/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+/?$`)
)

// validHost accepts name[:port], IPv4[:port] and [IPv6][:port].
func validHost(h string) bool {
	if h == "" || len(h) > 261 {
		return false
	}
	name, port := h, ""
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return false
		}
		if net.ParseIP(h[1:end]) == nil {
			return false
		}
		rest := h[end+1:]
		if rest == "" {
			return true
		}
		if !strings.HasPrefix(rest, ":") {
			return false
		}
		return validPort(rest[1:])
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		name, port = h[:i], h[i+1:]
		if !validPort(port) {
			return false
		}
	}
	return hostnameRE.MatchString(name)
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
