package model

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// SOAPSpec exposes an API's operations over SOAP 1.1 and/or 1.2, described
// by a generated WSDL 1.1 (document/literal wrapped), or by the WSDL the
// publisher uploads.
type SOAPSpec struct {
	// Versions are the SOAP versions served: "1.1" at /ws/soap/{base}/{version},
	// "1.2" at /ws/soap12/{base}/{version}; both when empty.
	Versions []string `json:"versions,omitempty"`
	// Namespace is the WSDL's target namespace and the namespace of every
	// operation element (urn:portico:{api}:{version} when empty).
	Namespace string `json:"namespace,omitempty"`
	// ServiceName names the wsdl:service (the API's name in CamelCase
	// followed by "Service" when empty).
	ServiceName string `json:"serviceName,omitempty"`
	// Unwrapped omits the response wrappers: the Body of an answer holds
	// one result element per document instead of one {operation}Response
	// element around them.
	Unwrapped bool `json:"unwrapped,omitempty"`
	// WSDL is a WSDL document the publisher wrote; it is served as
	// uploaded instead of the generated one. The operations still route
	// by the Body's element.
	WSDL       string          `json:"wsdl,omitempty"`
	Operations []SOAPOperation `json:"operations"`
}

// SOAPOperation is one SOAP operation backed by a process.
type SOAPOperation struct {
	// Name is the operation and its request element; the process's
	// operation (type + object, "getCustomer") or, without one, the
	// process's name when empty.
	Name    string `json:"name,omitempty"`
	Process string `json:"process"`
	// Action is the SOAPAction (1.1) and action parameter (1.2) expected;
	// {namespace}/{name} when empty. A request that sends another one is
	// refused; one that sends none is accepted.
	Action      string `json:"action,omitempty"`
	Description string `json:"description,omitempty"`
	// Parameters are scalar elements of the request handed to the process
	// as properties rather than as document fields: the key of a get, the
	// filters of a query.
	Parameters []SOAPParameter `json:"parameters,omitempty"`
	// Body names the request's child element holding the document; when
	// empty the operation element's children (besides the parameters) are
	// the document's fields. No document is sent when the request profile
	// is empty and Body is too.
	Body string `json:"body,omitempty"`
	// Result names the element of each response document ("result" when
	// empty).
	Result string `json:"result,omitempty"`
	// RequestProfile and ResponseProfile default to the process's input
	// and output profiles.
	RequestProfile  Schema `json:"requestProfile,omitempty"`
	ResponseProfile Schema `json:"responseProfile,omitempty"`
}

// SOAPParameter is a scalar element of a SOAP request that becomes a
// property. A property named param_* receives the element's text, as a REST
// path parameter does; any other receives the typed value, as a declared
// REST query parameter does. So one process serves REST and SOAP alike.
type SOAPParameter struct {
	Name        string `json:"name"`
	Type        string `json:"type,omitempty"` // string (default) | integer | number | boolean
	Required    bool   `json:"required,omitempty"`
	Description string `json:"description,omitempty"`
	// Property is the property's name (param_{name} when empty).
	Property string `json:"property,omitempty"`
}

// SOAP versions an API may serve.
const (
	SOAP11 = "1.1"
	SOAP12 = "1.2"
)

// SOAPVersions lists the versions in the order they are served.
var SOAPVersions = []string{SOAP11, SOAP12}

// xmlNameRE is an XML NCName restricted to ASCII, which every element of a
// SOAP operation is.
var xmlNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,127}$`)

var propertyRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)

// ValidXMLName reports whether s may name an element of a SOAP operation.
func ValidXMLName(s string) bool {
	return xmlNameRE.MatchString(s) && !strings.HasPrefix(strings.ToLower(s), "xml")
}

// ServesSOAP reports whether the spec serves SOAP version v ("1.1", "1.2").
func (s *SOAPSpec) ServesSOAP(v string) bool {
	if s == nil {
		return false
	}
	return len(s.Versions) == 0 || slices.Contains(s.Versions, v)
}

// ParameterProperty is the property a parameter fills.
func (p *SOAPParameter) ParameterProperty() string {
	if p.Property != "" {
		return p.Property
	}
	return "param_" + p.Name
}

// empty reports whether the spec declares no operation (nil included).
func (s *SOAPSpec) empty() bool { return s == nil || len(s.Operations) == 0 }

// validate adds the spec's problems to e; a nil spec has none.
func (s *SOAPSpec) validate(e *errs) {
	if s == nil {
		return
	}
	const p = "spec.soap"
	seenV := map[string]bool{}
	for i, v := range s.Versions {
		switch {
		case !slices.Contains(SOAPVersions, v):
			e.add(fmt.Sprintf("%s.versions[%d]", p, i), "%q is not a SOAP version (1.1 or 1.2)", v)
		case seenV[v]:
			e.add(fmt.Sprintf("%s.versions[%d]", p, i), "%q is listed twice", v)
		}
		seenV[v] = true
	}
	if s.Namespace != "" && !validNamespace(s.Namespace) {
		e.add(p+".namespace", "%q is not an absolute URI (e.g. urn:example:erp or https://example.com/erp)", s.Namespace)
	}
	if s.ServiceName != "" && !ValidXMLName(s.ServiceName) {
		e.add(p+".serviceName", "%q is not an XML name (letters, digits, '_', '-', '.')", s.ServiceName)
	}
	if len(s.WSDL) > 4<<20 {
		e.add(p+".wsdl", "is larger than 4 MiB")
	} else if s.WSDL != "" && !strings.Contains(s.WSDL, "definitions") {
		e.add(p+".wsdl", "is not a WSDL 1.1 document (no definitions element)")
	}
	if len(s.Operations) == 0 {
		e.add(p+".operations", "a SOAP service needs at least one operation")
	}
	names := map[string]int{}
	for i := range s.Operations {
		s.Operations[i].validate(e, fmt.Sprintf("%s.operations[%d]", p, i), names, i)
	}
}

func (o *SOAPOperation) validate(e *errs, p string, names map[string]int, i int) {
	if !ValidName(o.Process) {
		e.add(p+".process", "must name a process")
	}
	if o.Name != "" {
		if !ValidXMLName(o.Name) {
			e.add(p+".name", "%q is not an XML name (letters, digits, '_', '-', '.')", o.Name)
		} else if j, dup := names[o.Name]; dup {
			e.add(p+".name", "%q duplicates spec.soap.operations[%d].name", o.Name, j)
		} else {
			names[o.Name] = i
		}
	}
	if o.Action != "" && (strings.ContainsAny(o.Action, "\"\r\n ") || len(o.Action) > 512) {
		e.add(p+".action", "%q is not a SOAP action (a URI without quotes or spaces)", o.Action)
	}
	if o.Body != "" && !ValidXMLName(o.Body) {
		e.add(p+".body", "%q is not an XML name", o.Body)
	}
	if o.Result != "" && !ValidXMLName(o.Result) {
		e.add(p+".result", "%q is not an XML name", o.Result)
	}
	if _, err := json.Marshal(o.RequestProfile); err != nil {
		e.add(p+".requestProfile", "is not a JSON document: %v", err)
	}
	if _, err := json.Marshal(o.ResponseProfile); err != nil {
		e.add(p+".responseProfile", "is not a JSON document: %v", err)
	}
	seen := map[string]bool{}
	props := map[string]bool{}
	for j, prm := range o.Parameters {
		pp := fmt.Sprintf("%s.parameters[%d]", p, j)
		switch {
		case !ValidXMLName(prm.Name):
			e.add(pp+".name", "%q is not an XML name", prm.Name)
		case seen[prm.Name]:
			e.add(pp+".name", "%q is declared twice", prm.Name)
		case prm.Name == o.Body:
			e.add(pp+".name", "%q is also the body element", prm.Name)
		}
		seen[prm.Name] = true
		if prm.Type != "" && !slices.Contains(QueryParamTypes, prm.Type) {
			e.add(pp+".type", "%q is not supported (string, integer, number, boolean)", prm.Type)
		}
		prop := prm.ParameterProperty()
		switch {
		case !propertyRE.MatchString(prop):
			e.add(pp+".property", "%q is not a property name (letters, digits and '_')", prop)
		case props[prop]:
			e.add(pp+".property", "%q is filled by two parameters", prop)
		}
		props[prop] = true
	}
}

// validNamespace accepts absolute URIs: urn:..., http(s)://...
func validNamespace(ns string) bool {
	if len(ns) > 512 || strings.ContainsAny(ns, " \"<>'\r\n\t") {
		return false
	}
	u, err := url.Parse(ns)
	return err == nil && u.Scheme != ""
}

// references lists the components the operations use.
func (s *SOAPSpec) references() []Ref {
	if s == nil {
		return nil
	}
	refs := make([]Ref, 0, len(s.Operations))
	for _, o := range s.Operations {
		refs = append(refs, Ref{KindProcess, o.Process})
	}
	return refs
}
