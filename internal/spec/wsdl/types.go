package wsdl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

// Kind is the XML Schema shape of a profile node.
type Kind int

// Kinds a profile node maps to.
const (
	Any      Kind = iota // no usable type: xsd:anyType, any content
	String               // xsd:string
	Integer              // xsd:long
	Decimal              // xsd:decimal
	Boolean              // xsd:boolean
	Date                 // xsd:date (format date)
	DateTime             // xsd:dateTime (format date-time)
	Time                 // xsd:time (format time)
	Base64               // xsd:base64Binary (contentEncoding base64)
	Object               // a complex type with a sequence of fields
)

// xsdNames are the built-in XML Schema types of the simple kinds.
var xsdNames = map[Kind]string{
	Any: "anyType", String: "string", Integer: "long", Decimal: "decimal", Boolean: "boolean",
	Date: "date", DateTime: "dateTime", Time: "time", Base64: "base64Binary",
}

// XSDName is the built-in XML Schema type of a simple kind ("long").
func (k Kind) XSDName() string { return xsdNames[k] }

// Type is a profile turned into what XML needs: a kind and, for objects,
// ordered fields. One Type serves the WSDL's schema and the SOAP codec, so
// that what is decoded and written is what the WSDL says.
type Type struct {
	Kind   Kind
	Fields []*Field // Object only, sorted by name
}

// Field is one element of an object.
type Field struct {
	Name     string
	Type     *Type
	Optional bool // minOccurs="0": not in the profile's required list
	Nillable bool // the profile allows null: xsi:nil="true"
	Repeated bool // an array: maxOccurs="unbounded"
	Doc      string
}

// Field returns the field named name, or nil.
func (t *Type) Field(name string) *Field {
	for _, f := range t.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// maxTypeDepth bounds the nesting of a profile's objects and arrays.
const maxTypeDepth = 32

// FromSchema turns a profile into a Type. An empty profile, or one whose
// root is not a typed value, is Any. Property names must be XML names.
func FromSchema(s model.Schema) (*Type, error) {
	if len(s) == 0 {
		return &Type{Kind: Any}, nil
	}
	c := converter{root: s}
	t, _, _, err := c.node(map[string]any(s), "", 0)
	return t, err
}

type converter struct{ root map[string]any }

// node converts one schema node: its type, whether it is an array (of
// the returned item type) and whether null is allowed.
func (c *converter) node(n map[string]any, path string, depth int) (t *Type, array, nullable bool, err error) {
	if depth > maxTypeDepth {
		return nil, false, false, fmt.Errorf("%s: nested deeper than %d levels", pathOr(path), maxTypeDepth)
	}
	if ref, ok := n["$ref"].(string); ok {
		target, err := c.resolve(ref)
		if err != nil {
			return nil, false, false, fmt.Errorf("%s: %w", pathOr(path), err)
		}
		return c.node(target, path, depth+1)
	}
	types := typeNames(n["type"])
	nullable = slices.Contains(types, "null")
	types = slices.DeleteFunc(types, func(s string) bool { return s == "null" })
	if len(types) != 1 {
		// No type or several: any content.
		return &Type{Kind: Any}, false, nullable, nil
	}
	switch types[0] {
	case "string":
		format, _ := n["format"].(string)
		switch {
		case format == "date":
			return &Type{Kind: Date}, false, nullable, nil
		case format == "date-time":
			return &Type{Kind: DateTime}, false, nullable, nil
		case format == "time":
			return &Type{Kind: Time}, false, nullable, nil
		case n["contentEncoding"] == "base64":
			return &Type{Kind: Base64}, false, nullable, nil
		}
		return &Type{Kind: String}, false, nullable, nil
	case "integer":
		return &Type{Kind: Integer}, false, nullable, nil
	case "number":
		return &Type{Kind: Decimal}, false, nullable, nil
	case "boolean":
		return &Type{Kind: Boolean}, false, nullable, nil
	case "array":
		items, _ := n["items"].(map[string]any)
		if items == nil {
			if m, ok := n["items"].(model.Schema); ok {
				items = m
			}
		}
		if items == nil {
			return &Type{Kind: Any}, true, nullable, nil
		}
		it, nested, _, err := c.node(items, path+"[]", depth+1)
		if err != nil {
			return nil, false, false, err
		}
		if nested {
			// An array of arrays has no element of its own to repeat.
			it = &Type{Kind: Any}
		}
		return it, true, nullable, nil
	case "object":
		t, err := c.object(n, path, depth)
		return t, false, nullable, err
	}
	return &Type{Kind: Any}, false, nullable, nil
}

func (c *converter) object(n map[string]any, path string, depth int) (*Type, error) {
	props := asMap(n["properties"])
	required := map[string]bool{}
	if req, ok := n["required"].([]any); ok {
		for _, r := range req {
			if s, ok := r.(string); ok {
				required[s] = true
			}
		}
	} else if req, ok := n["required"].([]string); ok {
		for _, s := range req {
			required[s] = true
		}
	}
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	slices.Sort(names)
	t := &Type{Kind: Object, Fields: make([]*Field, 0, len(names))}
	for _, name := range names {
		p := path + "." + name
		if !model.ValidXMLName(name) {
			return nil, fmt.Errorf("%s: property %q is not an XML element name", pathOr(path), name)
		}
		pn := asMap(props[name])
		if pn == nil {
			pn = map[string]any{} // true or a non-object: any value
		}
		ft, array, nullable, err := c.node(pn, p, depth+1)
		if err != nil {
			return nil, err
		}
		doc, _ := pn["description"].(string)
		t.Fields = append(t.Fields, &Field{Name: name, Type: ft, Optional: !required[name] || array,
			Nillable: nullable, Repeated: array, Doc: doc})
	}
	return t, nil
}

// resolve follows a local reference ("#/$defs/address").
func (c *converter) resolve(ref string) (map[string]any, error) {
	ptr, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, fmt.Errorf("reference %q is outside the profile", ref)
	}
	var cur any = c.root
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if tok == "" {
			continue
		}
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m := asMap(cur)
		if m == nil {
			return nil, fmt.Errorf("reference %q does not resolve", ref)
		}
		cur = m[tok]
	}
	m := asMap(cur)
	if m == nil {
		return nil, fmt.Errorf("reference %q does not resolve", ref)
	}
	return m, nil
}

func asMap(v any) map[string]any {
	switch m := v.(type) {
	case map[string]any:
		return m
	case model.Schema:
		return m
	}
	return nil
}

func typeNames(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return slices.Clone(t)
	}
	return nil
}

func pathOr(p string) string {
	if p == "" {
		return "profile"
	}
	return "profile" + p
}
