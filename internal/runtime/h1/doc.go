// Package h1 is the runtime's HTTP/1.1 server loop for the common request:
// a keep-alive request without a body, in origin form, with a clean head
// that fits one buffer. It calls the same http.Handler as net/http would,
// with a standard *http.Request and an http.ResponseWriter that supports
// Flush and the ResponseController deadlines.
//
// Everything else (request bodies, Expect, upgrades, HTTP/1.0, TLS,
// HTTP/2, odd or oversized heads) is handed, with the bytes already read,
// to a standard *http.Server for the rest of the connection's life, so the
// edge cases keep net/http's behaviour and its refusals.
//
// What the loop saves over net/http's is per request: no goroutine and read
// system call to notice a client going away (a request watches its
// connection only once it has run for a while), one read deadline instead
// of three, and the answer's head and body leave in one write. The proxy
// comparison in docs/performance.md is why it exists.
//
// Of Std's settings the lean loop honours Handler, ReadHeaderTimeout,
// ReadTimeout (as the header and idle fallbacks), IdleTimeout,
// WriteTimeout, BaseContext and ConnContext; ConnState, ErrorLog and
// SetKeepAlivesEnabled apply to handed-off connections only. A client that
// trickles a head and then causes a hand-off may get up to twice the header
// timeout, once here and once from net/http.
package h1
