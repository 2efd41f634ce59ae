package proxy

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// Defaults of a proxy's timeouts and limits.
const (
	DefaultConnectTimeout        = 5 * time.Second
	DefaultResponseHeaderTimeout = 60 * time.Second
	// MaxResponseHeaderBytes caps an upstream's response headers, as the
	// runtime's own server caps request headers; more is a 502.
	MaxResponseHeaderBytes = 1 << 20
	// maxIdlePerHost keeps enough warm connections for a busy gateway:
	// net/http's default of 2 makes every burst dial afresh.
	maxIdlePerHost  = 1024
	idleConnTimeout = 90 * time.Second
)

// newTransport is the transport of one upstream, tuned for forwarding: no
// environment proxy, no compression (bodies pass through as the upstream
// encoded them, Accept-Encoding as the client sent it), HTTP/1.1 only (so
// that upgrades pass through), many idle connections.
func newTransport(d *net.Dialer, connect, responseHeader time.Duration) *http.Transport {
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		MaxIdleConns:           0,
		MaxIdleConnsPerHost:    maxIdlePerHost,
		IdleConnTimeout:        idleConnTimeout,
		TLSHandshakeTimeout:    connect,
		ResponseHeaderTimeout:  responseHeader,
		DisableCompression:     true,
		MaxResponseHeaderBytes: MaxResponseHeaderBytes,
		// A non-nil empty map turns HTTP/2 to the upstream off.
		TLSNextProto:    map[string]func(string, *tls.Conn) http.RoundTripper{},
		ReadBufferSize:  16 << 10,
		WriteBufferSize: 16 << 10,
	}
}
