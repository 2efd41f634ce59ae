// Package wsdl describes an API's SOAP operations and writes their WSDL 1.1
// (document/literal, wrapped unless the API asks otherwise) with the XML
// Schema of every message, generated from the profiles. The description is
// what the SOAP endpoint decodes and encodes by, so the WSDL and the wire
// cannot drift apart.
package wsdl

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/portico-dev/portico/internal/model"
)

// Namespaces of the documents.
const (
	NSWSDL   = "http://schemas.xmlsoap.org/wsdl/"
	NSSOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
	NSSOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
	NSXSD    = "http://www.w3.org/2001/XMLSchema"
	NSHTTP   = "http://schemas.xmlsoap.org/soap/http"
)

// Service is the compiled SOAP description of one API version. It is
// immutable.
type Service struct {
	API       string // the component's name
	BasePath  string
	Version   string
	Namespace string
	Name      string
	Title     string
	// SOAP11 and SOAP12 say which versions are served.
	SOAP11, SOAP12 bool
	Unwrapped      bool
	// Uploaded is the publisher's own WSDL, served instead of the
	// generated one; nil when none.
	Uploaded   []byte
	Operations []*Operation // sorted by name
}

// Operation is one operation of a Service.
type Operation struct {
	Name    string
	Process string
	Action  string
	Doc     string
	Params  []*Param
	// Body is the element holding the request document; "" with a
	// Request type means the document's fields sit in the operation
	// element itself.
	Body string
	// Request is the request document's type; nil when the operation
	// takes no document.
	Request *Type
	// Result is the element of each response document.
	Result   string
	Response *Type
}

// Param is a scalar request element that becomes a property.
type Param struct {
	Name     string
	Kind     Kind // String, Integer, Decimal or Boolean
	Required bool
	Property string
	// Text hands the property over as the element's text (param_*
	// properties, as REST path parameters), not as a typed value.
	Text bool
	Doc  string
}

// Describe compiles the SOAP spec of an API. procs holds the spec of every
// process the operations run, by name.
func Describe(name string, api *model.APISpec, procs map[string]*model.ProcessSpec) (*Service, error) {
	s := api.SOAP
	if s == nil {
		return nil, fmt.Errorf("wsdl: API %s declares no SOAP operations", name)
	}
	svc := &Service{
		API: name, BasePath: api.BasePath, Version: api.Version, Title: api.Title,
		Namespace: s.Namespace, Name: s.ServiceName, Unwrapped: s.Unwrapped,
		SOAP11: s.ServesSOAP(model.SOAP11), SOAP12: s.ServesSOAP(model.SOAP12),
	}
	if svc.Namespace == "" {
		svc.Namespace = "urn:portico:" + name + ":" + api.Version
	}
	if svc.Name == "" {
		svc.Name = pascal(name) + "Service"
	}
	if s.WSDL != "" {
		svc.Uploaded = []byte(s.WSDL)
	}
	seen := map[string]bool{}
	for i := range s.Operations {
		o := &s.Operations[i]
		p, ok := procs[o.Process]
		if !ok || p == nil {
			return nil, fmt.Errorf("wsdl: operation %d: process %q is not in the package", i, o.Process)
		}
		op, err := describeOperation(svc, o, p)
		if err != nil {
			return nil, fmt.Errorf("wsdl: operation %s: %w", opLabel(o), err)
		}
		if seen[op.Name] {
			return nil, fmt.Errorf("wsdl: operation %s is declared twice", op.Name)
		}
		if op.Name == svc.Name || strings.HasSuffix(op.Name, "Response") && seen[strings.TrimSuffix(op.Name, "Response")] {
			return nil, fmt.Errorf("wsdl: operation %s collides with another element name", op.Name)
		}
		seen[op.Name] = true
		svc.Operations = append(svc.Operations, op)
	}
	slices.SortFunc(svc.Operations, func(a, b *Operation) int { return strings.Compare(a.Name, b.Name) })
	for _, op := range svc.Operations {
		if seen[op.Name+"Response"] {
			return nil, fmt.Errorf("wsdl: operation %sResponse collides with the response of %s", op.Name, op.Name)
		}
	}
	if svc.Unwrapped {
		results := map[string]*Operation{}
		for _, op := range svc.Operations {
			if other, ok := results[op.Result]; ok && !sameType(other.Response, op.Response) {
				return nil, fmt.Errorf("wsdl: unwrapped operations %s and %s answer with element %s of different types; give one of them another result", other.Name, op.Name, op.Result)
			}
			if seen[op.Result] {
				return nil, fmt.Errorf("wsdl: the result element %s of %s collides with an operation", op.Result, op.Name)
			}
			results[op.Result] = op
		}
	}
	return svc, nil
}

func opLabel(o *model.SOAPOperation) string {
	if o.Name != "" {
		return o.Name
	}
	return "of process " + o.Process
}

func describeOperation(svc *Service, o *model.SOAPOperation, p *model.ProcessSpec) (*Operation, error) {
	op := &Operation{Name: o.Name, Process: o.Process, Action: o.Action, Doc: o.Description, Body: o.Body, Result: o.Result}
	if op.Name == "" {
		if p.Operation != nil {
			op.Name = p.Operation.SimpleName()
		} else {
			op.Name = o.Process
		}
	}
	if !model.ValidXMLName(op.Name) {
		return nil, fmt.Errorf("%q is not an XML name", op.Name)
	}
	if op.Action == "" {
		op.Action = strings.TrimRight(svc.Namespace, "/") + "/" + op.Name
	}
	if op.Result == "" {
		op.Result = "result"
	}
	for _, prm := range o.Parameters {
		k := String
		switch prm.Type {
		case "integer":
			k = Integer
		case "number":
			k = Decimal
		case "boolean":
			k = Boolean
		}
		prop := prm.ParameterProperty()
		op.Params = append(op.Params, &Param{Name: prm.Name, Kind: k, Required: prm.Required, Property: prop,
			Text: strings.HasPrefix(prop, "param_"), Doc: prm.Description})
	}
	reqSchema := o.RequestProfile
	if len(reqSchema) == 0 {
		reqSchema = p.Input
	}
	resSchema := o.ResponseProfile
	if len(resSchema) == 0 {
		resSchema = p.Output
	}
	var err error
	if len(reqSchema) > 0 || op.Body != "" {
		if op.Request, err = FromSchema(reqSchema); err != nil {
			return nil, fmt.Errorf("request %w", err)
		}
		if op.Request.Kind != Object && op.Body == "" {
			// Only an object's fields can sit in the operation element.
			op.Body = "document"
		}
	}
	if op.Request != nil && op.Body == "" {
		for _, prm := range op.Params {
			if op.Request.Field(prm.Name) != nil {
				return nil, fmt.Errorf("parameter %s is also a field of the request profile; name a body element", prm.Name)
			}
		}
	}
	if op.Response, err = FromSchema(resSchema); err != nil {
		return nil, fmt.Errorf("response %w", err)
	}
	return op, nil
}

// sameType reports whether two types describe the same XML.
func sameType(a, b *Type) bool {
	if a.Kind != b.Kind || len(a.Fields) != len(b.Fields) {
		return false
	}
	for i, f := range a.Fields {
		g := b.Fields[i]
		if f.Name != g.Name || f.Optional != g.Optional || f.Nillable != g.Nillable || f.Repeated != g.Repeated || !sameType(f.Type, g.Type) {
			return false
		}
	}
	return true
}

// Operation returns the operation named name, or nil.
func (s *Service) Operation(name string) *Operation {
	i, ok := slices.BinarySearchFunc(s.Operations, name, func(o *Operation, n string) int { return strings.Compare(o.Name, n) })
	if !ok {
		return nil
	}
	return s.Operations[i]
}

// pascal turns "erp-sample_api" into "ErpSampleApi".
func pascal(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			if up {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	out := b.String()
	if out == "" || out[0] >= '0' && out[0] <= '9' {
		out = "S" + out
	}
	return out
}
