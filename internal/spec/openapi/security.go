package openapi

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// Kinds of SecurityScheme.
const (
	SecurityBasic     = "basic"     // HTTP Basic
	SecurityAPIKey    = "apiKey"    // an API key in a header (X-API-Key by default)
	SecurityBearer    = "bearer"    // Authorization: Bearer, a JWT by default
	SecurityMutualTLS = "mutualTLS" // a client certificate
)

// SecurityScheme describes one way callers may authenticate, as the
// environment configures it. Any one of a document's schemes suffices.
type SecurityScheme struct {
	Kind         string // SecurityBasic, SecurityAPIKey, SecurityBearer or SecurityMutualTLS
	Name         string // component name; defaults to Kind
	Description  string
	Header       string // SecurityAPIKey: the header; defaults to X-API-Key
	BearerFormat string // SecurityBearer: defaults to JWT
}

// addSecurity adds the schemes to the components and requires any one of
// them on every operation.
func addSecurity(doc *openapi3.T, schemes []SecurityScheme) error {
	if len(schemes) == 0 {
		return nil
	}
	doc.Components.SecuritySchemes = openapi3.SecuritySchemes{}
	for i, s := range schemes {
		name := s.Name
		if name == "" {
			name = s.Kind
		}
		name = componentName(name)
		if _, dup := doc.Components.SecuritySchemes[name]; dup {
			return fmt.Errorf("security[%d]: scheme %q appears twice", i, name)
		}
		var v *openapi3.SecurityScheme
		switch s.Kind {
		case SecurityBasic:
			v = openapi3.NewSecurityScheme().WithType("http").WithScheme("basic")
		case SecurityAPIKey:
			h := s.Header
			if h == "" {
				h = "X-API-Key"
			}
			v = openapi3.NewSecurityScheme().WithType("apiKey").WithIn("header").WithName(h)
		case SecurityBearer:
			f := s.BearerFormat
			if f == "" {
				f = "JWT"
			}
			v = openapi3.NewSecurityScheme().WithType("http").WithScheme("bearer").WithBearerFormat(f)
		case SecurityMutualTLS:
			v = openapi3.NewSecurityScheme().WithType("mutualTLS")
		default:
			return fmt.Errorf("security[%d]: kind %q is not supported (basic, apiKey, bearer, mutualTLS)", i, s.Kind)
		}
		v.Description = s.Description
		doc.Components.SecuritySchemes[name] = &openapi3.SecuritySchemeRef{Value: v}
		doc.Security = append(doc.Security, openapi3.SecurityRequirement{name: []string{}})
	}
	return nil
}
