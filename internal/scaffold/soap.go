package scaffold

import (
	"fmt"
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

type soapGenerator struct{}

// Generate implements Generator: the REST generation, with the same CRUD
// processes also exposed as SOAP operations.
func (soapGenerator) Generate(db *Database, opts Options) (*Result, error) {
	res, err := restGenerator{}.Generate(db, opts)
	if err != nil {
		return nil, err
	}
	if err := AddSOAP(res); err != nil {
		return nil, err
	}
	return res, nil
}

// soapTypes renames the generated processes' operations the way SOAP
// callers expect them (queryCustomers, updateCustomer); the others keep
// their process's name (getCustomer, createCustomer, deleteCustomer).
var soapTypes = map[string]string{"list": "query", "replace": "update"}

// AddSOAP exposes the processes behind the REST endpoints of the generated
// API as SOAP operations too: one process serves both styles. Path
// parameters become param_* properties and declared query parameters
// query_* ones, as REST hands them over; a request document sits in the
// operation element, or in an element named after the row when a key
// travels beside it.
func AddSOAP(res *Result) error {
	var api *model.APISpec
	var apiComp *model.Component
	procs := map[string]*model.ProcessSpec{}
	for _, c := range res.Components {
		switch s := c.Spec.(type) {
		case *model.APISpec:
			api, apiComp = s, c
		case *model.ProcessSpec:
			procs[c.Name] = s
		}
	}
	if api == nil {
		return fmt.Errorf("%w: no generated API to add SOAP operations to", model.ErrInvalid)
	}
	// The row's name for each collection path, from its get endpoint.
	rows := map[string]string{}
	for _, ep := range api.Endpoints {
		if obj, ok := strings.CutPrefix(ep.Process, "get"); ok && ep.Method == "GET" {
			rows[collectionOf(ep.Path)] = obj
		}
	}
	soap := &model.SOAPSpec{}
	for _, ep := range api.Endpoints {
		p := procs[ep.Process]
		if p == nil {
			continue
		}
		verb, obj := splitProcessName(ep.Process)
		if t, ok := soapTypes[verb]; ok {
			verb = t
		}
		row := rows[collectionOf(ep.Path)]
		if row == "" {
			row = obj
		}
		op := model.SOAPOperation{Name: verb + obj, Process: ep.Process, Description: ep.Summary, Result: elementName(row)}
		for _, name := range pathParams(ep.Path) {
			op.Parameters = append(op.Parameters, model.SOAPParameter{Name: name, Type: fieldType(p, name),
				Required: true, Description: "the key of the " + strings.ToLower(row)})
		}
		for _, q := range ep.Query {
			op.Parameters = append(op.Parameters, model.SOAPParameter{Name: q.Name, Type: q.Type,
				Property: "query_" + q.Name, Description: q.Description})
		}
		if len(p.Input) > 0 && len(op.Parameters) > 0 {
			op.Body = elementName(row)
		}
		soap.Operations = append(soap.Operations, op)
	}
	if len(soap.Operations) == 0 {
		return nil
	}
	api.SOAP = soap
	apiComp.Description = strings.Replace(apiComp.Description, "REST API", "REST and SOAP API", 1)
	return apiComp.Spec.Validate()
}

// splitProcessName cuts "listOrderLines" into "list" and "OrderLines".
func splitProcessName(name string) (verb, obj string) {
	for i, r := range name {
		if r >= 'A' && r <= 'Z' {
			return name[:i], name[i:]
		}
	}
	return name, ""
}

// collectionOf is "/customers" for "/customers" and "/customers/{id}".
func collectionOf(path string) string {
	if i := strings.Index(path, "/{"); i >= 0 {
		return path[:i]
	}
	return path
}

func pathParams(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, seg[1:len(seg)-1])
		}
	}
	return out
}

// fieldType is the SOAP parameter type of a key, read from the row's
// profile: integer, number or boolean, else string.
func fieldType(p *model.ProcessSpec, name string) string {
	for _, s := range []model.Schema{p.Output, p.Input} {
		props, _ := s["properties"].(model.Schema)
		if props == nil {
			continue
		}
		f, _ := props[name].(model.Schema)
		var types []string
		switch t := f["type"].(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				if s, ok := x.(string); ok {
					types = append(types, s)
				}
			}
		}
		for _, t := range types {
			switch t {
			case "integer", "number", "boolean":
				return t
			}
		}
		if len(types) > 0 {
			return "string"
		}
	}
	return "string"
}

// elementName is s with a lower-case first letter, "result" when empty.
func elementName(s string) string {
	if s == "" {
		return "result"
	}
	return lowerFirst(s)
}
