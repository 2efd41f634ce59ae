package model

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// APISpec is a versioned API whose endpoints run processes.
type APISpec struct {
	BasePath    string     `json:"basePath"`
	Version     string     `json:"version"`
	Title       string     `json:"title,omitempty"`
	Description string     `json:"description,omitempty"`
	Endpoints   []Endpoint `json:"endpoints,omitempty"`
	// SOAP exposes operations at /ws/soap/{base}/{version} (api_soap.go).
	SOAP *SOAPSpec `json:"soap,omitempty"`
	// OData exposes entity sets at /ws/odata/{base}/{version}/ (api_odata.go).
	OData *ODataSpec `json:"odata,omitempty"`
}

// Endpoint is one REST operation of an API, backed by a process.
type Endpoint struct {
	Name        string   `json:"name,omitempty"` // operation id; derived from method and path when empty
	Method      string   `json:"method"`
	Path        string   `json:"path"` // "/customers/{id}"
	Process     string   `json:"process"`
	Summary     string   `json:"summary,omitempty"`
	Description string   `json:"description,omitempty"`
	Headers     []string `json:"headers,omitempty"` // request headers handed to the process
	// Input and Output are the body types: none, json, multijson (an array
	// split into one document per element), xml, text or binary. Input
	// defaults to json for POST, PUT and PATCH and none otherwise; Output
	// defaults to json.
	Input  string `json:"input,omitempty"`
	Output string `json:"output,omitempty"`
	// RequestProfile and ResponseProfile default to the process's input and
	// output profiles.
	RequestProfile  Schema             `json:"requestProfile,omitempty"`
	ResponseProfile Schema             `json:"responseProfile,omitempty"`
	Query           []QueryParam       `json:"query,omitempty"`
	Responses       []EndpointResponse `json:"responses,omitempty"` // additional documented responses
	// Roles, when set, are required of the caller: one of them suffices.
	Roles []string `json:"roles,omitempty"`
	// Async, when set, answers 202 at once and delivers the result by webhook.
	Async *EndpointAsync `json:"async,omitempty"`
}

// QueryParam is a typed query parameter of an endpoint.
type QueryParam struct {
	Name        string `json:"name"`
	Type        string `json:"type,omitempty"` // string (default) | integer | number | boolean
	Required    bool   `json:"required,omitempty"`
	Description string `json:"description,omitempty"`
}

// EndpointResponse documents one more response of an endpoint.
type EndpointResponse struct {
	Status      int    `json:"status"`
	Description string `json:"description,omitempty"`
	Profile     Schema `json:"profile,omitempty"`
}

// Body types of an endpoint.
var BodyTypes = []string{"none", "json", "multijson", "xml", "text", "binary"}

// QueryParamTypes are the types a query parameter may declare.
var QueryParamTypes = []string{"string", "integer", "number", "boolean"}

// InputType is the endpoint's effective request body type.
func (ep *Endpoint) InputType() string {
	if ep.Input != "" {
		return ep.Input
	}
	switch ep.Method {
	case "POST", "PUT", "PATCH":
		return "json"
	}
	return "none"
}

// OutputType is the endpoint's effective response body type.
func (ep *Endpoint) OutputType() string {
	if ep.Output != "" {
		return ep.Output
	}
	return "json"
}

var (
	pathParamRE   = regexp.MustCompile(`^\{[A-Za-z_][A-Za-z0-9_]*\}$`)
	pathLiteralRE = regexp.MustCompile(`^[A-Za-z0-9._~!$&'()*+,;=:@-]+$`)
	headerNameRE  = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
	queryNameRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,63}$`)
)

// Kind implements Spec.
func (*APISpec) Kind() Kind { return KindAPI }

// Validate implements Spec.
func (s *APISpec) Validate() error {
	var e errs
	if !ValidBasePath(s.BasePath) {
		e.add("spec.basePath", "%q is not a valid base path (segments of letters, digits, '.', '_' or '-', no leading slash)", s.BasePath)
	}
	if !ValidAPIVersion(s.Version) {
		e.add("spec.version", "%q is not a valid API version (e.g. v1)", s.Version)
	}
	if len(s.Endpoints) == 0 && s.SOAP.empty() && s.OData.empty() {
		e.add("spec.endpoints", "an API needs at least one REST endpoint, SOAP operation or OData entity set")
	}
	s.SOAP.validate(&e)
	s.OData.validate(&e)
	seen := map[string]int{}
	names := map[string]int{}
	for i, ep := range s.Endpoints {
		p := fmt.Sprintf("spec.endpoints[%d]", i)
		if !slices.Contains(httpMethods, ep.Method) {
			e.add(p+".method", "%q is not an HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS)", ep.Method)
		}
		shape, err := pathShape(ep.Path)
		if err != nil {
			e.add(p+".path", "%v", err)
		} else {
			key := ep.Method + " " + shape
			if j, dup := seen[key]; dup {
				e.add(p+".path", "%s %s duplicates spec.endpoints[%d]", ep.Method, ep.Path, j)
			} else {
				seen[key] = i
			}
		}
		if !ValidName(ep.Process) {
			e.add(p+".process", "must name a process")
		}
		if ep.Name != "" {
			if !ValidName(ep.Name) {
				e.add(p+".name", "%q is not a valid name", ep.Name)
			} else if j, dup := names[ep.Name]; dup {
				e.add(p+".name", "%q duplicates spec.endpoints[%d].name", ep.Name, j)
			} else {
				names[ep.Name] = i
			}
		}
		for j, r := range ep.Roles {
			if !ValidName(r) {
				e.add(fmt.Sprintf("%s.roles[%d]", p, j), "%q is not a role name", r)
			}
		}
		ep.Async.validate(&e, p+".async")
		if ep.Input != "" && !slices.Contains(BodyTypes, ep.Input) {
			e.add(p+".input", "%q is not a body type (none, json, multijson, xml, text, binary)", ep.Input)
		}
		if ep.Output != "" && !slices.Contains(BodyTypes, ep.Output) {
			e.add(p+".output", "%q is not a body type (none, json, multijson, xml, text, binary)", ep.Output)
		}
		if _, err := json.Marshal(ep.RequestProfile); err != nil {
			e.add(p+".requestProfile", "is not a JSON document: %v", err)
		}
		if _, err := json.Marshal(ep.ResponseProfile); err != nil {
			e.add(p+".responseProfile", "is not a JSON document: %v", err)
		}
		qnames := map[string]bool{}
		for j, q := range ep.Query {
			qp := fmt.Sprintf("%s.query[%d]", p, j)
			if !queryNameRE.MatchString(q.Name) {
				e.add(qp+".name", "%q is not a query parameter name", q.Name)
			} else if qnames[q.Name] {
				e.add(qp+".name", "%q is declared twice", q.Name)
			}
			qnames[q.Name] = true
			if q.Type != "" && !slices.Contains(QueryParamTypes, q.Type) {
				e.add(qp+".type", "%q is not supported (string, integer, number, boolean)", q.Type)
			}
		}
		for j, r := range ep.Responses {
			rp := fmt.Sprintf("%s.responses[%d]", p, j)
			if r.Status < 100 || r.Status > 599 {
				e.add(rp+".status", "%d is not an HTTP status", r.Status)
			}
			if _, err := json.Marshal(r.Profile); err != nil {
				e.add(rp+".profile", "is not a JSON document: %v", err)
			}
		}
		for j, h := range ep.Headers {
			if !headerNameRE.MatchString(h) {
				e.add(fmt.Sprintf("%s.headers[%d]", p, j), "%q is not a header name", h)
			} else if protectedHeader(h) {
				e.add(fmt.Sprintf("%s.headers[%d]", p, j), "%q is a protected header and never reaches a process", h)
			}
		}
	}
	return e.err()
}

// pathShape checks an endpoint path and returns it with every parameter
// replaced by "{}", so that "/a/{id}" and "/a/{key}" are seen as one route.
func pathShape(p string) (string, error) {
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%q must start with /", p)
	}
	if p == "/" {
		return p, nil
	}
	segs := strings.Split(p[1:], "/")
	params := map[string]bool{}
	for i, seg := range segs {
		switch {
		case seg == "" && i == len(segs)-1:
			return "", fmt.Errorf("%q must not end with /", p)
		case seg == "":
			return "", fmt.Errorf("%q has an empty segment", p)
		case strings.ContainsAny(seg, "{}"):
			if !pathParamRE.MatchString(seg) {
				return "", fmt.Errorf("segment %q: a parameter fills a whole segment, like {id}", seg)
			}
			name := seg[1 : len(seg)-1]
			if params[name] {
				return "", fmt.Errorf("parameter {%s} appears twice", name)
			}
			params[name] = true
			segs[i] = "{}"
		case !pathLiteralRE.MatchString(seg):
			return "", fmt.Errorf("segment %q has characters not allowed in a path", seg)
		}
	}
	return "/" + strings.Join(segs, "/"), nil
}

// protectedHeader reports headers that never reach a process (INTERFACE.md).
func protectedHeader(h string) bool {
	switch strings.ToLower(h) {
	case "connection", "upgrade", "via", "host", "proxy-authorization", "proxy-connection":
		return true
	}
	return strings.HasPrefix(strings.ToLower(h), "x-forwarded-")
}

// References implements Spec: the processes behind the endpoints.
func (s *APISpec) References() []Ref {
	refs := make([]Ref, 0, len(s.Endpoints))
	for _, ep := range s.Endpoints {
		refs = append(refs, Ref{KindProcess, ep.Process})
	}
	refs = append(refs, s.SOAP.references()...)
	refs = append(refs, s.OData.references()...)
	return uniqueRefs(refs)
}
