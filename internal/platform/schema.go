package platform

import (
	"encoding"
	"encoding/json"
	"maps"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/portico-dev/portico/internal/model"
)

// schemas derives JSON Schemas (OpenAPI 3.1 dialect) from Go types by their
// json tags, so the document describes exactly what the handlers encode.
// Named struct types become components.schemas entries.
type schemas struct {
	defs  map[string]any
	names map[reflect.Type]string
}

func newSchemas() *schemas {
	return &schemas{defs: map[string]any{}, names: map[reflect.Type]string{}}
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	specType      = reflect.TypeFor[model.Spec]()
	roleType      = reflect.TypeFor[model.Role]()
	rawJSONType   = reflect.TypeFor[json.RawMessage]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	specKinds     = []model.Spec{&model.ConnectionSpec{}, &model.ProcessSpec{}, &model.APISpec{}, &model.ProxySpec{}}
)

// of returns the schema of t, a $ref for named structs.
func (g *schemas) of(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == specType:
		var refs []any
		for _, s := range specKinds {
			refs = append(refs, g.of(reflect.TypeOf(s)))
		}
		return map[string]any{"oneOf": refs, "description": "the spec of the component's kind"}
	case t == rawJSONType:
		return map[string]any{"description": "any JSON value"}
	case t == roleType:
		return map[string]any{"type": "string", "enum": []string{"admin", "publisher", "operator", "viewer", "runtime"}}
	case t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler):
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.of(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		return g.named(t)
	}
	return map[string]any{} // any value
}

// named registers a struct type once and returns a reference to it.
func (g *schemas) named(t reflect.Type) map[string]any {
	name, ok := g.names[t]
	if !ok {
		name = schemaName(t)
		if _, taken := g.defs[name]; taken {
			name = exported(pkgName(t)) + name
		}
		g.names[t] = name
		g.defs[name] = nil // reserve, for recursive types
		g.defs[name] = g.object(t)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// object describes a struct's JSON fields; fields without omitempty or
// omitzero are required.
func (g *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" && f.Anonymous && f.Type.Kind() == reflect.Struct {
			// encoding/json puts an embedded struct's fields beside the others.
			inner := g.object(f.Type)
			maps.Copy(props, inner["properties"].(map[string]any))
			if req, ok := inner["required"].([]string); ok {
				required = append(required, req...)
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.of(f.Type)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			required = append(required, name)
		}
	}
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// docNames rename internal request and answer types for readers.
var docNames = map[string]string{
	"applyDoc":       "ApplyRequest",
	"applyAnswer":    "ApplyResponse",
	"newTokenAnswer": "NewToken",
	"newKeyAnswer":   "NewAPIKey",
	"keyRequest":     "NewAPIKeyRequest",
	"versionInfo":    "Version",
}

// schemaName is the type's name, exported ("whoami" → "Whoami").
func schemaName(t reflect.Type) string {
	if n, ok := docNames[t.Name()]; ok {
		return n
	}
	return exported(t.Name())
}

func pkgName(t reflect.Type) string {
	p := t.PkgPath()
	return p[strings.LastIndex(p, "/")+1:]
}

func exported(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
