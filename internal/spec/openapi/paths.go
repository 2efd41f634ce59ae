package openapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/portico-dev/portico/internal/model"
)

// pathParams lists the parameter names of an endpoint path in order.
func pathParams(p string) []string {
	var names []string
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			names = append(names, seg[1:len(seg)-1])
		}
	}
	return names
}

// pathKey returns the document's path for an endpoint path and the
// parameter names it uses: the first path of the same shape wins, so that
// GET /a/{id} and PUT /a/{key} become one path item /a/{id}.
func (g *generator) pathKey(p string) (string, []string) {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "{}"
		}
	}
	shape := strings.Join(segs, "/")
	if first, ok := g.shapes[shape]; ok {
		return first, pathParams(first)
	}
	g.shapes[shape] = p
	return p, pathParams(p)
}

// deriveID names an operation without a name from its method and path:
// GET /customers/{id}/orders → getCustomersByIdOrders, made unique.
func (g *generator) deriveID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(path, "/") {
		switch {
		case seg == "":
		case strings.HasPrefix(seg, "{"):
			b.WriteString("By")
			b.WriteString(pascal(seg[1 : len(seg)-1]))
		default:
			b.WriteString(pascal(identChars(seg)))
		}
	}
	base := b.String()
	id := base
	for i := 2; g.ids[id]; i++ {
		id = base + strconv.Itoa(i)
	}
	g.ids[id] = true
	return id
}

// identChars keeps letters and digits, turning the rest into separators.
func identChars(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, s)
}

// paramSchema types a path parameter: a string, unless a property of the
// same name in the request or response profile says it is an integer,
// number or boolean (GET /customers/{id} with an integer id).
func paramSchema(name string, profiles ...model.Schema) *openapi3.Schema {
	for _, p := range profiles {
		props, _ := p["properties"].(map[string]any)
		prop, _ := props[name].(map[string]any)
		if prop == nil {
			continue
		}
		t := scalarType(prop["type"])
		if t == "" {
			continue
		}
		s := &openapi3.Schema{Type: &openapi3.Types{t}}
		if f, ok := prop["format"].(string); ok && t != "boolean" {
			s.Format = f
		}
		return s
	}
	return openapi3.NewStringSchema()
}

// scalarType is the one non-null scalar type of a JSON Schema "type".
func scalarType(v any) string {
	var types []string
	switch t := v.(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && s != "null" {
				types = append(types, s)
			}
		}
	}
	if len(types) != 1 {
		return ""
	}
	switch types[0] {
	case "string", "integer", "number", "boolean":
		return types[0]
	}
	return ""
}

// statusText names a status, including the runtime's own 522.
func statusText(status int) string {
	if status == 522 {
		return "Execution time limit"
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Status " + strconv.Itoa(status)
}
