package rest

import (
	"net/http"
	"strings"
)

// Router chooses among compiled APIs by the longest root that prefixes the
// request path at a segment boundary, so "sales/crm/v1" is chosen before
// "sales/v1" — those roots differ anyway, but "/ws/rest/sales/crm/v1/x"
// is never read as API "sales" version "crm". It is immutable and reads
// a map only, so it takes no locks.
type Router struct {
	apis map[string]*API
}

// NewRouter builds a router over apis. Two APIs on one root cannot both be
// deployed (the control plane refuses the second); should it happen the
// first one wins.
func NewRouter(apis []*API) http.Handler {
	rt := &Router{apis: make(map[string]*API, len(apis))}
	for _, a := range apis {
		if _, dup := rt.apis[a.root]; !dup {
			rt.apis[a.root] = a
		}
	}
	return rt
}

// ServeHTTP hands the request to its API or answers 404 problem+json.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a := rt.lookup(r.URL.Path); a != nil {
		a.ServeHTTP(w, r)
		return
	}
	notFound(w, r)
}

func (rt *Router) lookup(p string) *API {
	for i := len(p); i > 0; i = strings.LastIndexByte(p[:i], '/') {
		if a, ok := rt.apis[p[:i]]; ok {
			return a
		}
	}
	return nil
}
