package platform

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

var pathParamRE = regexp.MustCompile(`\{([^}]+)\}`)

// buildOpenAPI renders the OpenAPI 3.1 document of the route table.
func buildOpenAPI(routes []route, version string) ([]byte, error) {
	if version == "" {
		version = "dev"
	}
	g := newSchemas()
	problemRef := g.of(typeOf[problem]())
	for _, t := range []any{model.Component{}, model.Package{}, model.Environment{}, model.Deployment{}, model.Snapshot{}, model.User{}, model.Token{}} {
		g.of(typeOfValue(t))
	}
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		p := apiPrefix + rt.pattern
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(rt.method)] = operation(g, rt, problemRef)
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Portico platform API",
			"version":     version,
			"description": "The control plane's API: components, packages, environments, deployments, snapshots, users and tokens. Errors are RFC 9457 problem details.",
		},
		"paths":    paths,
		"security": []any{map[string]any{"bearer": []string{}}},
		"components": map[string]any{
			"schemas": g.defs,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "a ptc_ token from POST /api/v1/tokens"},
			},
		},
	}
	return json.Marshal(doc)
}

func operation(g *schemas, rt route, problemRef map[string]any) map[string]any {
	op := map[string]any{
		"operationId": operationID(rt),
		"summary":     rt.summary,
		"tags":        []string{strings.Split(strings.TrimPrefix(rt.pattern, "/"), "/")[0]},
	}
	switch rt.auth {
	case authNone:
		op["security"] = []any{}
	case authOptional:
		op["security"] = []any{map[string]any{}, map[string]any{"bearer": []string{}}}
	}
	if rt.perm != "" {
		op["x-portico-permission"] = string(rt.perm)
	}
	var params []any
	for _, m := range pathParamRE.FindAllStringSubmatch(rt.pattern, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range rt.query {
		params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.desc, "schema": map[string]any{"type": q.typ}})
	}
	if params != nil {
		op["parameters"] = params
	}
	if rt.in != nil {
		op["requestBody"] = map[string]any{
			"required": true,
			"content":  map[string]any{"application/json": map[string]any{"schema": g.of(rt.in)}},
		}
	}
	responses := map[string]any{}
	success := map[string]any{"description": http.StatusText(rt.status)}
	if rt.out != nil {
		schema := g.of(rt.out)
		if rt.list {
			schema = map[string]any{
				"type":     "object",
				"required": []string{"items"},
				"properties": map[string]any{
					"items":      map[string]any{"type": "array", "items": schema},
					"nextCursor": map[string]any{"type": "string", "description": "absent on the last page"},
				},
			}
		}
		success["content"] = map[string]any{"application/json": map[string]any{"schema": schema}}
	}
	responses[strconv.Itoa(rt.status)] = success
	for _, alt := range rt.also {
		r := map[string]any{"description": http.StatusText(alt)}
		if alt != http.StatusNotModified {
			r["content"] = success["content"]
		}
		responses[strconv.Itoa(alt)] = r
	}
	fail := func(status int) {
		responses[strconv.Itoa(status)] = map[string]any{
			"description": http.StatusText(status),
			"content":     map[string]any{"application/problem+json": map[string]any{"schema": problemRef}},
		}
	}
	if rt.in != nil || rt.query != nil || strings.Contains(rt.pattern, "{") {
		fail(http.StatusBadRequest)
	}
	if rt.auth != authNone {
		fail(http.StatusUnauthorized)
		fail(http.StatusForbidden)
	}
	if strings.Contains(rt.pattern, "{") {
		fail(http.StatusNotFound)
	}
	if rt.in != nil {
		fail(http.StatusRequestEntityTooLarge)
		fail(http.StatusUnsupportedMediaType)
	}
	responses["default"] = map[string]any{
		"description": "an error (conflict 409, store unavailable 503, ...)",
		"content":     map[string]any{"application/problem+json": map[string]any{"schema": problemRef}},
	}
	op["responses"] = responses
	return op
}

// operationID derives a unique id from method and pattern:
// GET /components/{kind}/{name} → getComponentsKindName.
func operationID(rt route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.method))
	for seg := range strings.SplitSeq(rt.pattern, "/") {
		seg = strings.Trim(seg, "{}")
		seg = strings.ReplaceAll(seg, ".", "")
		b.WriteString(exported(seg))
	}
	return b.String()
}

func typeOfValue(v any) reflect.Type { return reflect.TypeOf(v) }
