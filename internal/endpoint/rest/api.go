package rest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/model"
)

// API is one compiled REST API version.
type API struct {
	root string         // "/ws/rest/sales/crm/v1"
	mux  *http.ServeMux // METHOD root+path → endpoint; root/ → fallback
	// shapes knows every path regardless of method, to tell 405 from 404.
	shapes *http.ServeMux
	// extra serves what the API publishes about itself (its OpenAPI
	// document and docs page); nil when nothing is mounted.
	extra *http.ServeMux
	// extraPrefixes are the literal beginnings of extra's patterns.
	extraPrefixes []string
}

// Compile compiles every endpoint of api. procs maps process names to
// their compiled runners; an endpoint whose process is missing, a profile
// that does not compile or two routes that overlap without one being more
// specific are errors.
func Compile(api *model.APISpec, procs map[string]RunnerWithSpec, opts Options) (*API, error) {
	if api == nil {
		return nil, fmt.Errorf("rest: no API")
	}
	prefix := strings.TrimSuffix(opts.Prefix, "/")
	if prefix == "" {
		prefix = DefaultPrefix
	}
	a := &API{
		root:   prefix + "/" + strings.Trim(api.BasePath, "/") + "/" + api.Version,
		mux:    http.NewServeMux(),
		shapes: http.NewServeMux(),
	}
	methods := map[string][]string{} // shape pattern → methods
	var order []string
	for i := range api.Endpoints {
		ep := &api.Endpoints[i]
		label := ep.Method + " " + ep.Path
		proc, ok := procs[ep.Process]
		if !ok {
			return nil, fmt.Errorf("rest: %s: process %q is not compiled", label, ep.Process)
		}
		if proc.Name == "" {
			proc.Name = ep.Process
		}
		params, shape := splitPath(ep.Path)
		x, err := endpoint.NewExchange(endpoint.Config{
			Name:           label,
			Trigger:        Trigger,
			Process:        proc,
			Input:          ep.InputType(),
			Output:         ep.OutputType(),
			RequestProfile: ep.RequestProfile,
			Query:          ep.Query,
			Headers:        ep.Headers,
			PathParams:     params,
			Async:          ep.Async,
		}, opts)
		if err != nil {
			return nil, fmt.Errorf("rest: %w", err)
		}
		if err := handle(a.mux, ep.Method+" "+a.root+muxPath(ep.Path), x); err != nil {
			return nil, fmt.Errorf("rest: %s: %w", label, err)
		}
		sp := a.root + muxPath(shape)
		if _, seen := methods[sp]; !seen {
			order = append(order, sp)
		}
		methods[sp] = append(methods[sp], ep.Method)
	}
	for _, sp := range order {
		if err := handle(a.shapes, sp, allowed(methods[sp])); err != nil {
			return nil, fmt.Errorf("rest: %w", err)
		}
	}
	fb := http.HandlerFunc(a.fallback)
	if err := handle(a.mux, a.root+"/", fb); err != nil {
		return nil, fmt.Errorf("rest: %w", err)
	}
	if err := handle(a.mux, a.root, fb); err != nil {
		return nil, fmt.Errorf("rest: %w", err)
	}
	return a, nil
}

// Root is the path the API answers below ("/ws/rest/{base}/{version}").
func (a *API) Root() string { return a.root }

// Mount serves h at patterns ("GET /ws/rest/erp/v1/openapi.json") beside
// the endpoints, for documents that describe the API rather than run a
// process. It must be called before the API serves; a pattern an endpoint
// already serves is left to the endpoint and reported.
func (a *API) Mount(patterns []string, h http.Handler) error {
	if a.extra == nil {
		a.extra = http.NewServeMux()
	}
	var shadowed []string
	for _, p := range patterns {
		method, path, _ := strings.Cut(p, " ")
		probe := &http.Request{Method: method, URL: &url.URL{Path: strings.TrimSuffix(strings.ReplaceAll(path, "{$}", ""), "{file}")}, Host: "x"}
		if _, pattern := a.mux.Handler(probe); pattern != "" && pattern != a.root+"/" && pattern != a.root {
			shadowed = append(shadowed, p)
			continue
		}
		if err := handle(a.extra, p, h); err != nil {
			return fmt.Errorf("rest: %w", err)
		}
		literal, _, _ := strings.Cut(path, "{")
		a.extraPrefixes = append(a.extraPrefixes, literal)
	}
	if len(shadowed) > 0 {
		return fmt.Errorf("rest: endpoints of the API already serve %s", strings.Join(shadowed, ", "))
	}
	return nil
}

// ServeHTTP routes a request below Root to its endpoint.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a.extra != nil && a.mayBeExtra(r.URL.Path) {
		if h, pattern := a.extra.Handler(r); pattern != "" {
			h.ServeHTTP(w, r)
			return
		}
	}
	endpoint.EnsureExecutionID(w)
	a.mux.ServeHTTP(w, r)
}

// mayBeExtra tells whether path can be one of the extra patterns: a
// ServeMux that finds nothing works out the methods it would allow, which
// costs an endpoint request allocations for nothing.
func (a *API) mayBeExtra(path string) bool {
	for _, p := range a.extraPrefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// fallback answers what no endpoint pattern took: 405 with Allow for a
// known path, 404 otherwise, both as problem+json.
func (a *API) fallback(w http.ResponseWriter, r *http.Request) {
	if h, pattern := a.shapes.Handler(r); pattern != "" {
		h.ServeHTTP(w, r)
		return
	}
	notFound(w, r)
}

func notFound(w http.ResponseWriter, r *http.Request) {
	id := endpoint.EnsureExecutionID(w)
	p := problem.New(http.StatusNotFound, "no endpoint at "+r.URL.Path)
	p.ExecutionID = id
	problem.Write(w, r, p)
}

// allowed answers 405 for a path served under other methods.
func allowed(methods []string) http.Handler {
	ms := slices.Clone(methods)
	if slices.Contains(ms, http.MethodGet) && !slices.Contains(ms, http.MethodHead) {
		ms = append(ms, http.MethodHead)
	}
	slices.Sort(ms)
	allow := strings.Join(ms, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := endpoint.EnsureExecutionID(w)
		p := problem.New(http.StatusMethodNotAllowed, r.Method+" is not served at "+r.URL.Path+"; use "+allow)
		p.ExecutionID = id
		p.WithHeader("Allow", allow)
		problem.Write(w, r, p)
	})
}

// splitPath returns the parameter names of an endpoint path and its shape,
// the path with parameters renamed {p0}, {p1}, ... so that "/a/{id}" and
// "/a/{key}" are one path for the 405 check.
func splitPath(p string) (params []string, shape string) {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = "{p" + strconv.Itoa(len(params)) + "}"
			params = append(params, s[1:len(s)-1])
		}
	}
	return params, strings.Join(segs, "/")
}

// muxPath turns an endpoint path into a ServeMux path: "/" must match only
// the API root itself, not everything below it.
func muxPath(p string) string {
	if p == "/" || p == "" {
		return "/{$}"
	}
	return p
}

// handle registers a pattern, turning ServeMux's panic on overlapping
// patterns ("/a/{x}/b" and "/a/b/{y}": neither is more specific) into an
// error, since a snapshot that does not compile must not stop the runtime.
func handle(mux *http.ServeMux, pattern string, h http.Handler) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("route %q: %v", pattern, v)
		}
	}()
	mux.Handle(pattern, h)
	return nil
}
