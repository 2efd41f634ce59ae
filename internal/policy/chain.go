package policy

import (
	"net/http"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/problem"
)

// Chain is the security of one snapshot: the environment's IP filter and
// CORS, the authentication of each listener, the consumers and the router.
// It is immutable; Wrap puts it in front of the snapshot's handler.
type Chain struct {
	IPFilter *IPFilter
	CORS     *CORS
	// Listeners maps a listener name to its authentication. A request from
	// a listener that is not in the map (one the snapshot removed while
	// the connection stayed open) is refused.
	Listeners map[string]Authenticator
	Consumers *Consumers
	Router    Router
}

// Wrap returns next behind the chain: IP filter → request checks → CORS →
// route → authenticate → consumer IP filter → authorize → next, with the
// principal in the context (endpoint.User is its name: inuser) and the
// verified credential headers removed.
func (c *Chain) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.serve(w, r, next)
	})
}

func (c *Chain) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	addr, ok := RemoteAddr(r)
	if !ok || !c.IPFilter.Allows(addr) {
		problem.Write(w, r, problem.New(http.StatusForbidden, "this address may not call this environment"))
		return
	}
	if p := checkRequest(r); p != nil {
		problem.Write(w, r, p)
		return
	}
	if c.CORS != nil && c.CORS.handle(w, r) {
		return
	}
	authn, ok := c.Listeners[ListenerFrom(r.Context())]
	if !ok {
		problem.Write(w, r, problem.New(http.StatusNotFound, "this listener serves no APIs of the environment"))
		return
	}
	route := c.Router.Route(r)
	principal, p := authn.Authenticate(r, c.Consumers)
	if p != nil {
		problem.Write(w, r, p)
		return
	}
	if principal != nil && principal.Consumer != nil && !principal.Consumer.ip.Allows(addr) {
		problem.Write(w, r, problem.New(http.StatusForbidden, "consumer "+principal.Name+" may not call from this address"))
		return
	}
	if p := Authorize(principal, route); p != nil {
		problem.Write(w, r, p)
		return
	}
	// An application's key goes on to its plan's check, which removes it.
	if principal == nil || principal.Application == "" {
		for _, h := range authn.Credentials() {
			delete(r.Header, h)
		}
	}
	if principal != nil {
		r = r.WithContext(endpoint.WithUser(WithPrincipal(r.Context(), principal), principal.Name))
	}
	next.ServeHTTP(w, r)
}
