// Package proxy forwards requests to the upstream targets of a proxy
// component: balancing, active and passive health, a circuit breaker,
// timeouts, retries of idempotent requests, path rewriting, header changes
// and upstream authentication, with bodies streamed both ways and WebSocket
// upgrades passed through.
//
// An Upstream is built once from a spec and owns what outlives a request:
// the targets and their health, the transport with its idle connections,
// the health-check goroutines. Close stops them. Handler returns the
// http.Handler of one mount prefix; it only reads the Upstream, so a request
// takes no lock.
package proxy
