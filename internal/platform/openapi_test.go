package platform

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.must(http.StatusOK, "GET", "/openapi.json", "", nil)
	var doc struct {
		OpenAPI    string `json:"openapi"`
		Info       struct{ Title, Version string }
		Paths      map[string]map[string]map[string]any
		Components struct {
			Schemas         map[string]any
			SecuritySchemes map[string]any
		}
	}
	a.json(t, &doc)
	if doc.OpenAPI != "3.1.0" || doc.Info.Title == "" || doc.Info.Version != "1.2.3" {
		t.Errorf("openapi %q info %+v", doc.OpenAPI, doc.Info)
	}
	if _, ok := doc.Components.SecuritySchemes["bearer"]; !ok {
		t.Error("no bearer security scheme")
	}
	for _, name := range []string{"Component", "Package", "Environment", "Deployment", "Snapshot", "User", "Token", "Problem", "ApplyResult", "APISpec", "ProcessSpec", "Step", "Execution", "ExecutionBatch"} {
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("components.schemas lacks %s", name)
		}
	}
	ids := map[string]bool{}
	for _, rt := range e.srv.routes {
		op, ok := doc.Paths[apiPrefix+rt.pattern][strings.ToLower(rt.method)]
		if !ok {
			t.Errorf("%s %s is not in the document", rt.method, rt.pattern)
			continue
		}
		id, _ := op["operationId"].(string)
		if id == "" || ids[id] {
			t.Errorf("%s %s: operationId %q missing or repeated", rt.method, rt.pattern, id)
		}
		ids[id] = true
		for _, name := range pathParamRE.FindAllStringSubmatch(rt.pattern, -1) {
			if !strings.Contains(string(mustJSON(t, op["parameters"])), `"name":"`+name[1]+`"`) {
				t.Errorf("%s %s: path parameter %s undocumented", rt.method, rt.pattern, name[1])
			}
		}
	}
	// Every $ref points at a schema that exists.
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/components/schemas/")
				if _, ok := doc.Components.Schemas[name]; !ok {
					t.Errorf("dangling $ref %s", ref)
				}
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	var generic any
	a.json(t, &generic)
	walk(generic)
}

// TestRoutesMatchTheContract keeps the table honest against
// docs/platform-api.md: every route of the contract is served.
func TestRoutesMatchTheContract(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	contract := []string{
		"POST /tokens", "GET /tokens", "DELETE /tokens/{id}", "GET /whoami",
		"GET /components", "POST /apply", "GET /components/{kind}/{name}", "PUT /components/{kind}/{name}",
		"DELETE /components/{kind}/{name}", "GET /components/{kind}/{name}/revisions", "GET /components/{kind}/{name}/revisions/{n}",
		"GET /packages", "POST /packages", "GET /packages/{id}", "DELETE /packages/{id}",
		"GET /environments", "POST /environments", "GET /environments/{env}", "PUT /environments/{env}",
		"DELETE /environments/{env}", "GET /environments/{env}/snapshot",
		"GET /deployments", "POST /deployments", "POST /deployments/rollback", "POST /deployments/undeploy",
		"POST /executions/batch", "GET /executions", "GET /executions/{id}",
		"POST /runtimes/heartbeat", "GET /runtimes",
		"GET /executions/{id}/result", "POST /executions/{id}/cancel", "POST /executions/cancellations",
		"POST /executions/queue", "POST /executions/claim", "POST /executions/leases",
		"GET /deliveries", "GET /deliveries/{id}", "POST /deliveries/{id}/resend",
		"GET /apis/{name}/openapi.json", "GET /apis/{name}/openapi.yaml", "GET /apis/{name}/wsdl", "GET /apis/{name}/metadata",
		"POST /metrics/report", "GET /metrics/summary", "GET /metrics/live",
		"GET /users", "POST /users", "GET /users/{username}", "PATCH /users/{username}", "DELETE /users/{username}",
		"GET /consumers", "POST /consumers", "GET /consumers/{name}", "PUT /consumers/{name}", "DELETE /consumers/{name}",
		"POST /consumers/{name}/tokens", "DELETE /consumers/{name}/tokens/{id}", "GET /audit",
		"GET /health", "GET /version", "GET /openapi.json",
		"GET /applications", "POST /applications", "GET /applications/{name}", "PUT /applications/{name}", "DELETE /applications/{name}",
		"GET /applications/{name}/keys", "POST /applications/{name}/keys", "PATCH /applications/{name}/keys/{id}", "DELETE /applications/{name}/keys/{id}",
		"GET /applications/{name}/subscriptions", "POST /applications/{name}/subscriptions", "DELETE /applications/{name}/subscriptions/{api}",
		"GET /plans", "POST /plans", "GET /plans/{name}", "PUT /plans/{name}", "DELETE /plans/{name}",
	}
	have := map[string]bool{}
	for _, rt := range e.srv.routes {
		have[rt.method+" "+rt.pattern] = true
	}
	for _, c := range contract {
		if !have[c] {
			t.Errorf("contract route %s is not served", c)
		}
		delete(have, c)
	}
	for extra := range have {
		t.Errorf("route %s is not in the contract", extra)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
