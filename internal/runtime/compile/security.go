package compile

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/portico-dev/portico/internal/endpoint/simple"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/policy"
	"github.com/portico-dev/portico/internal/policy/plan"
)

// secure puts the snapshot's security policies in front of h. release frees
// the JWKS fetchers the snapshot leased; call it when the snapshot is
// released (it is harmless on error paths too).
func (c *Compiler) secure(snap *model.Snapshot, router policy.Router, plans *plan.Policy, h http.Handler) (http.Handler, func(), error) {
	var releases []func()
	release := func() {
		for _, r := range releases {
			r()
		}
	}
	consumers, err := policy.NewConsumers(snap.Environment, snap.Consumers)
	if err != nil {
		return nil, release, err
	}
	chain := &policy.Chain{
		Consumers: consumers,
		Router:    router,
		Listeners: map[string]policy.Authenticator{},
	}
	sec := snap.Spec.Security
	if sec == nil || len(sec.Listeners) == 0 {
		// The runtime's own --gateway-listen listener, as before
		// environments declared listeners: anonymous callers.
		chain.Listeners[""] = policy.None{}
	}
	if sec != nil {
		if f := sec.IPFilter; f != nil {
			if chain.IPFilter, err = policy.NewIPFilter(f.Allow, f.Deny); err != nil {
				return nil, release, err
			}
		}
		chain.CORS = policy.NewCORS(sec.CORS)
		for i := range sec.Listeners {
			l := &sec.Listeners[i]
			a, rel, err := c.authenticator(&l.Authentication, plans)
			if rel != nil {
				releases = append(releases, rel)
			}
			if err != nil {
				return nil, release, fmt.Errorf("listener %s: %w", l.Name, err)
			}
			chain.Listeners[l.Name] = a
		}
	}
	return chain.Wrap(h), release, nil
}

// authenticator compiles one listener's authentication.
func (c *Compiler) authenticator(a *model.ListenerAuthSpec, plans *plan.Policy) (policy.Authenticator, func(), error) {
	switch a.Type {
	case "", model.AuthNone:
		return policy.None{}, nil, nil
	case model.AuthBasic:
		return policy.NewBasic(a.Realm), nil, nil
	case model.AuthAPIKey:
		// Consumers' tokens and applications' keys both travel in X-API-Key.
		return policy.APIKey{Apps: plans}, nil, nil
	case model.AuthClientCertificate:
		return policy.ClientCertificate{}, nil, nil
	case model.AuthCertificateHeader:
		if a.CertificateHeader == nil {
			return nil, nil, fmt.Errorf("%w: certificateHeader needs trustedProxies", model.ErrInvalid)
		}
		ch, err := policy.NewCertificateHeader(a.CertificateHeader.Header, a.CertificateHeader.TrustedProxies)
		return ch, nil, err
	case model.AuthJWT:
		if a.JWT == nil {
			return nil, nil, fmt.Errorf("%w: jwt needs issuer, audiences and jwksURL", model.ErrInvalid)
		}
		kf, rel, err := c.jwks.Acquire(a.JWT.JWKSURL, a.JWT.RefreshInterval.Std())
		if err != nil {
			return nil, nil, err
		}
		j, err := policy.NewJWT(a.JWT, kf)
		return j, rel, err
	}
	return nil, nil, fmt.Errorf("%w: authentication type %q", model.ErrInvalid, a.Type)
}

// routeTable tells which API, and for REST which endpoint, a path reaches,
// from the snapshot alone: the styles route the request afterwards by the
// same paths. It is immutable.
type routeTable struct {
	// apis maps an API's root path (/ws/rest/erp/v1, /ws/soap/erp/v1,
	// /ws/simple/getCustomer, a proxy's own prefix) to it.
	apis map[string]*apiRoutes
}

type apiRoutes struct {
	name    string
	version string
	// endpoints routes "METHOD root+path" to the endpoint (REST only).
	endpoints *http.ServeMux
}

// endpointRoute is the handler value the endpoints mux holds: it is never
// served, only read back.
type endpointRoute struct{ route policy.Route }

func (endpointRoute) ServeHTTP(http.ResponseWriter, *http.Request) {}

func newRouteTable(snap *model.Snapshot) *routeTable {
	t := &routeTable{apis: map[string]*apiRoutes{}}
	add := func(root, name, version string) *apiRoutes {
		if a, dup := t.apis[root]; dup {
			return a
		}
		a := &apiRoutes{name: name, version: version}
		t.apis[root] = a
		return a
	}
	for i := range snap.Deployments {
		d := &snap.Deployments[i]
		for j := range d.Components {
			comp := &d.Components[j]
			if comp.Ref() != d.Package.Component {
				continue
			}
			switch spec := comp.Spec.(type) {
			case *model.APISpec:
				rel := "/" + strings.Trim(spec.BasePath, "/") + "/" + spec.Version
				for _, style := range []string{"soap", "soap12", "odata"} {
					add("/ws/"+style+rel, comp.Name, spec.Version)
				}
				root := "/ws/rest" + rel
				a := add(root, comp.Name, spec.Version)
				if a.name != comp.Name || len(spec.Endpoints) == 0 {
					continue
				}
				a.endpoints = http.NewServeMux()
				for k := range spec.Endpoints {
					ep := &spec.Endpoints[k]
					name := ep.Name
					if name == "" {
						name = ep.Method + " " + ep.Path
					}
					path := ep.Path
					if path == "/" || path == "" {
						path = "/{$}"
					}
					handleRoute(a.endpoints, ep.Method+" "+root+path, endpointRoute{policy.Route{API: comp.Name, Version: spec.Version, Endpoint: name, Roles: ep.Roles}})
				}
			case *model.ProcessSpec:
				if spec.Operation != nil {
					add(simple.DefaultPrefix+"/"+spec.Operation.SimpleName(), comp.Name, "")
				}
			case *model.ProxySpec:
				add("/ws/proxy/"+strings.Trim(spec.BasePath, "/")+"/"+spec.Version, comp.Name, spec.Version)
				if p := strings.TrimSuffix(spec.PathPrefix, "/"); strings.HasPrefix(p, "/") && len(p) > 1 {
					add(p, comp.Name, spec.Version)
				}
			}
		}
	}
	return t
}

// handleRoute registers a pattern; the REST style reports overlapping
// patterns itself, so a panic here is only skipped.
func handleRoute(mux *http.ServeMux, pattern string, h http.Handler) {
	defer func() { _ = recover() }()
	mux.Handle(pattern, h)
}

// Route implements policy.Router: the API whose root is the longest prefix
// of the path at a segment boundary, as the styles route.
func (t *routeTable) Route(r *http.Request) policy.Route {
	p := r.URL.Path
	for i := len(p); i > 0; i = strings.LastIndexByte(p[:i], '/') {
		a, ok := t.apis[p[:i]]
		if !ok {
			continue
		}
		if a.endpoints != nil {
			if h, _ := a.endpoints.Handler(r); h != nil {
				if er, ok := h.(endpointRoute); ok {
					return er.route
				}
			}
		}
		return policy.Route{API: a.name, Version: a.version}
	}
	return policy.Route{}
}
