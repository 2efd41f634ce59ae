package policy

import (
	"net/http"

	"github.com/portico-dev/portico/internal/endpoint/problem"
)

// Route is what a request reaches, as far as authorization is concerned.
type Route struct {
	// API is the api (or process, for services enablement; proxy) component
	// name; "" when the path belongs to no deployed API.
	API string
	// Version is the API version the path reaches ("" for services
	// enablement).
	Version string
	// Endpoint names the endpoint within the API; "" for the API's other
	// paths (its OpenAPI document, 404s, 405s).
	Endpoint string
	// Roles are required by the endpoint: one of them suffices.
	Roles []string
}

// Router tells the route of a request; it is built per snapshot by the
// compiler, which knows every style's paths. It must only look up
// immutable data.
type Router interface {
	Route(r *http.Request) Route
}

// Authorize checks the API filter of the caller's consumer and the roles of
// the endpoint. The API filter fails closed: a consumer limited to some
// APIs may call no path that cannot be told to be one of them.
func Authorize(p *Principal, rt Route) *problem.Problem {
	if len(rt.Roles) > 0 && (p == nil || !p.HasRole(rt.Roles)) {
		return problem.New(http.StatusForbidden, "this endpoint requires a role the caller does not hold")
	}
	if p != nil && p.Consumer != nil && !p.Consumer.MayCall(rt.API, rt.Endpoint) {
		return problem.New(http.StatusForbidden, "consumer "+p.Name+" may not call this API")
	}
	return nil
}
