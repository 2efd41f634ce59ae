package compile

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/proxy"
	"github.com/portico-dev/portico/internal/spec/openapi"
)

// ProxyPrefix is where proxies are served: /ws/proxy/{base}/{version}.
const ProxyPrefix = "/ws/proxy"

// proxyStyle serves proxy components under /ws/proxy/{base}/{version} and
// their own path prefixes, each with its attached OpenAPI document, if any.
type proxyStyle struct {
	c         *Compiler
	publicURL string
	routes    []proxyRoute
}

// proxyRoute is one mux pattern of a proxy.
type proxyRoute struct {
	pattern string
	h       http.Handler
	owner   string
}

func newProxyStyle(c *Compiler, snap *model.Snapshot) *proxyStyle {
	return &proxyStyle{c: c, publicURL: snap.Spec.PublicURL}
}

func (s *proxyStyle) add(u *unit) error {
	spec, ok := u.root.Spec.(*model.ProxySpec)
	if !ok {
		return nil
	}
	hash := u.root.Hash
	if hash == "" {
		h, err := u.root.ContentHash()
		if err != nil {
			return fmt.Errorf("proxy %s: %w", u.root.Name, err)
		}
		hash = h
	}
	name := u.root.Name
	up, err := u.lease.upstream(hash, func() (*proxy.Upstream, error) {
		return proxy.NewUpstream(spec, proxy.Options{Name: name, Logger: s.c.log})
	})
	if err != nil {
		return fmt.Errorf("proxy %s: %w", name, err)
	}
	owner := name + " " + spec.Version
	root := ProxyPrefix + "/" + spec.BasePath + "/" + spec.Version
	s.route(root, up.Handler(root, true), owner)
	if spec.PathPrefix != "" {
		s.route(spec.PathPrefix, up.Handler(spec.PathPrefix, !spec.KeepPathPrefix), owner)
	}
	if spec.OpenAPI != nil {
		s.contract(spec, root, owner)
	} else if spec.OpenAPIFrom != "" {
		s.c.log.Warn("the proxy's openapiFrom was not imported by `portico apply`; no docs are served", "proxy", name, "from", spec.OpenAPIFrom)
	}
	return nil
}

// route serves prefix itself and everything below it.
func (s *proxyStyle) route(prefix string, h http.Handler, owner string) {
	s.routes = append(s.routes, proxyRoute{prefix, h, owner}, proxyRoute{prefix + "/", h, owner})
}

// contract serves the attached document and its docs page; the upstream's
// own paths of the same names are then shadowed. A document that cannot be
// rendered is logged and left out: the proxy still serves.
func (s *proxyStyle) contract(spec *model.ProxySpec, root, owner string) {
	doc, err := openapi.NewAttachedDocument(spec.OpenAPI)
	var h *openapi.Handler
	if err == nil {
		h, err = openapi.NewHandler(doc, root, s.publicURL)
	}
	if err != nil {
		s.c.log.Warn("the proxy's OpenAPI document is not served", "proxy", owner, "err", err)
		return
	}
	for _, p := range h.Patterns() {
		s.routes = append(s.routes, proxyRoute{p, h, owner})
	}
}

func (s *proxyStyle) mount(mux *http.ServeMux) error {
	seen := map[string]string{}
	for _, r := range s.routes {
		if other, dup := seen[r.pattern]; dup && other != r.owner {
			return fmt.Errorf("%w: proxies %s and %s both claim %s", model.ErrConflict, other, r.owner, strings.TrimSuffix(r.pattern, "/"))
		}
		if _, dup := seen[r.pattern]; dup {
			continue
		}
		seen[r.pattern] = r.owner
		if err := handle(mux, r.pattern, r.h); err != nil {
			return fmt.Errorf("proxy %s: %w", r.owner, err)
		}
	}
	return nil
}

// handle registers a pattern, turning ServeMux's panic on a conflicting
// one into an error: a snapshot that cannot be routed must not compile.
func handle(mux *http.ServeMux, pattern string, h http.Handler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", model.ErrConflict, p)
		}
	}()
	mux.Handle(pattern, h)
	return nil
}
