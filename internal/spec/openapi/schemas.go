package openapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/portico-dev/portico/internal/model"
)

const schemaRefPrefix = "#/components/schemas/"

// schemaSet collects the document's named schemas. Profiles are JSON
// Schema 2020-12 documents; each becomes one component, and its $defs
// become components of their own so that "#/$defs/X" references, which
// would point at the OpenAPI document's root once the profile is moved
// into it, keep meaning what they meant.
type schemaSet struct {
	schemas openapi3.Schemas
	// byKey remembers the component of a profile already added under a
	// key (the process's input, say) so that endpoints sharing it share
	// one component.
	byKey map[string]string
}

func newSchemaSet() *schemaSet {
	return &schemaSet{schemas: openapi3.Schemas{}, byKey: map[string]string{}}
}

// reserve claims a name for a schema the package itself writes.
func (s *schemaSet) reserve(name string, schema *openapi3.Schema) *openapi3.SchemaRef {
	s.schemas[name] = openapi3.NewSchemaRef("", schema)
	return openapi3.NewSchemaRef(schemaRefPrefix+name, nil)
}

// profile adds a profile under a name derived from base (made unique) and
// returns a reference to it. key, when not empty, makes a second call with
// the same key return the first component. An empty profile is any value.
func (s *schemaSet) profile(key, base string, p model.Schema) (*openapi3.SchemaRef, error) {
	if len(p) == 0 {
		return openapi3.NewSchemaRef("", &openapi3.Schema{}), nil
	}
	if name, ok := s.byKey[key]; ok && key != "" {
		return openapi3.NewSchemaRef(schemaRefPrefix+name, nil), nil
	}
	root, err := copyJSON(p)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", base, err)
	}
	name := s.unique(base)
	comps := map[string]map[string]any{}
	refs := map[string]string{"#": schemaRefPrefix + name}
	if err := hoistDefs(root, "#", name, comps, refs, s.unique); err != nil {
		return nil, fmt.Errorf("profile %s: %w", base, err)
	}
	comps[name] = root
	for _, cn := range slices.Sorted(maps.Keys(comps)) {
		c := comps[cn]
		if err := rewriteRefs(c, refs); err != nil {
			return nil, fmt.Errorf("profile %s: %w", base, err)
		}
		sc, err := toSchema(c)
		if err != nil {
			return nil, fmt.Errorf("profile %s: %w", base, err)
		}
		s.schemas[cn] = openapi3.NewSchemaRef("", sc)
	}
	if key != "" {
		s.byKey[key] = name
	}
	return openapi3.NewSchemaRef(schemaRefPrefix+name, nil), nil
}

// unique returns base, or base with a number appended, unused so far; the
// name is reserved.
func (s *schemaSet) unique(base string) string {
	base = componentName(base)
	name := base
	for i := 2; ; i++ {
		if _, taken := s.schemas[name]; !taken {
			break
		}
		name = base + strconv.Itoa(i)
	}
	// A placeholder, replaced by the real schema once it is built.
	s.schemas[name] = nil
	return name
}

var unsafeComponentRE = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// componentName makes s a valid component name (^[A-Za-z0-9._-]+$).
func componentName(s string) string {
	s = unsafeComponentRE.ReplaceAllString(s, "_")
	if s == "" {
		return "Schema"
	}
	return s
}

// pascal turns a model name ("get-customer", "order_lines") into
// "GetCustomer", "OrderLines".
func pascal(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r == '-' || r == '_' || r == '.' || r == ' ' || r == '/':
			up = true
		case up && r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
			up = false
		default:
			b.WriteRune(r)
			up = false
		}
	}
	return b.String()
}

// hoistDefs moves node's $defs (and draft-07 definitions) out into comps,
// depth first, recording for each its old JSON pointer (relative to the
// profile root, as "#/$defs/A") and its component reference.
func hoistDefs(node map[string]any, ptr, name string, comps map[string]map[string]any, refs map[string]string, unique func(string) string) error {
	// Dropped: the document declares the dialect once, and an $id would
	// rebase the references just rewritten.
	delete(node, "$schema")
	delete(node, "$id")
	for _, kw := range []string{"$defs", "definitions"} {
		raw, ok := node[kw]
		if !ok {
			continue
		}
		defs, ok := raw.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is not an object", kw)
		}
		delete(node, kw)
		for _, k := range slices.Sorted(maps.Keys(defs)) {
			def, ok := defs[k].(map[string]any)
			if !ok {
				// A boolean schema: wrap it so that it can be named.
				b, isBool := defs[k].(bool)
				if !isBool {
					return fmt.Errorf("%s/%s is not a schema", kw, k)
				}
				def = map[string]any{}
				if !b {
					def["not"] = map[string]any{}
				}
			}
			cn := unique(name + "_" + k)
			dptr := ptr + "/" + kw + "/" + escapePointer(k)
			refs[dptr] = schemaRefPrefix + cn
			if err := hoistDefs(def, dptr, cn, comps, refs, unique); err != nil {
				return err
			}
			comps[cn] = def
		}
	}
	return nil
}

func escapePointer(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// Keywords whose value is a schema, a map of schemas or a list of schemas:
// only these are walked, so that a "$ref" key inside an enum, const,
// default or example value is left alone.
var (
	schemaKeywords = []string{"items", "additionalProperties", "not", "if", "then", "else", "contains",
		"propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema", "additionalItems"}
	schemaMapKeywords  = []string{"properties", "patternProperties", "dependentSchemas", "$defs", "definitions"}
	schemaListKeywords = []string{"allOf", "anyOf", "oneOf", "prefixItems", "items"}
)

// rewriteRefs points every local $ref of a profile at its new place. A
// reference into a hoisted definition follows it ("#/$defs/A/properties/x"
// → "#/components/schemas/P_A/properties/x"); anything not local is
// refused, since the document must stand alone.
func rewriteRefs(node map[string]any, refs map[string]string) error {
	for _, kw := range []string{"$ref", "$dynamicRef"} {
		raw, ok := node[kw]
		if !ok {
			continue
		}
		ref, ok := raw.(string)
		if !ok {
			return fmt.Errorf("%s is not a string", kw)
		}
		if kw == "$dynamicRef" {
			// Dynamic scopes do not survive being split into components.
			return fmt.Errorf("$dynamicRef %q is not supported in a profile", ref)
		}
		nr, err := mapRef(ref, refs)
		if err != nil {
			return err
		}
		node[kw] = nr
	}
	for _, kw := range schemaKeywords {
		if sub, ok := node[kw].(map[string]any); ok {
			if err := rewriteRefs(sub, refs); err != nil {
				return err
			}
		}
	}
	for _, kw := range schemaMapKeywords {
		if m, ok := node[kw].(map[string]any); ok {
			for _, v := range m {
				if sub, ok := v.(map[string]any); ok {
					if err := rewriteRefs(sub, refs); err != nil {
						return err
					}
				}
			}
		}
	}
	for _, kw := range schemaListKeywords {
		if l, ok := node[kw].([]any); ok {
			for _, v := range l {
				if sub, ok := v.(map[string]any); ok {
					if err := rewriteRefs(sub, refs); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

func mapRef(ref string, refs map[string]string) (string, error) {
	if !strings.HasPrefix(ref, "#") {
		return "", fmt.Errorf("$ref %q: only references inside the profile (#/$defs/...) are supported", ref)
	}
	// The longest recorded pointer that prefixes ref at a token boundary.
	best := ""
	for old := range refs {
		if (ref == old || strings.HasPrefix(ref, old+"/")) && len(old) > len(best) {
			best = old
		}
	}
	if best == "" {
		return "", fmt.Errorf("$ref %q is not a JSON pointer", ref)
	}
	return refs[best] + ref[len(best):], nil
}

// toSchema decodes a JSON Schema object into kin-openapi's model, which
// keeps 2020-12 keywords and unknown ones (as extensions).
func toSchema(m map[string]any) (*openapi3.Schema, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var s openapi3.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// copyJSON deep-copies a profile through JSON, which also normalises the
// numbers YAML decoding left as ints.
func copyJSON(p model.Schema) (map[string]any, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}
