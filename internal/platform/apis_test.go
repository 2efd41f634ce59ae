package platform

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/portico-dev/portico/internal/endpoint/rest"
)

// Documents of an API whose contract the tests fetch: get and list
// customers, with profiles; v2 adds orders.
const (
	contractProcDoc = `{"kind":"process","name":"getCustomer","spec":{"output":{"type":"object","required":["id"],"properties":{"id":{"type":"integer"},"name":{"type":"string"}}},"steps":[{"query":{"connection":"db","sql":"SELECT 1"}},{"return":{}}]}}`
	contractOrders  = `{"kind":"process","name":"listOrders","spec":{"steps":[{"query":{"connection":"db","sql":"SELECT 2"}},{"return":{}}]}}`
	contractAPIv1   = `{"kind":"api","name":"erp","spec":{"basePath":"erp","version":"v1","title":"ERP","endpoints":[` +
		`{"method":"GET","path":"/customers","process":"list"},` +
		`{"method":"GET","path":"/customers/{id}","process":"getCustomer"}]}}`
	contractAPIv2 = `{"kind":"api","name":"erp","spec":{"basePath":"erp","version":"v2","title":"ERP 2","endpoints":[` +
		`{"method":"GET","path":"/customers","process":"list"},` +
		`{"method":"GET","path":"/customers/{id}","process":"getCustomer"},` +
		`{"method":"GET","path":"/orders","process":"listOrders"}]}}`
)

// contract fetches and checks an API's document as JSON and as YAML: both
// load and validate with kin-openapi in 3.1 mode and say the same.
func (e *testEnv) contract(name, query, token string) *openapi3.T {
	e.t.Helper()
	t := e.t
	var docs []*openapi3.T
	for _, f := range []struct{ file, ctype string }{{"openapi.json", "application/json"}, {"openapi.yaml", "application/yaml"}} {
		a := e.must(http.StatusOK, "GET", "/apis/"+name+"/"+f.file+query, token, nil)
		if ct := a.header.Get("Content-Type"); ct != f.ctype {
			t.Fatalf("%s%s: Content-Type %q, want %q", f.file, query, ct, f.ctype)
		}
		doc, err := openapi3.NewLoader().LoadFromData(a.body)
		if err != nil {
			t.Fatalf("%s%s does not load: %v\n%s", f.file, query, err, a.body)
		}
		if err := doc.Validate(context.Background(), openapi3.IsOpenAPI31OrLater()); err != nil {
			t.Fatalf("%s%s is invalid: %v", f.file, query, err)
		}
		if doc.OpenAPI != "3.1.0" {
			t.Fatalf("%s%s: openapi %q", f.file, query, doc.OpenAPI)
		}
		docs = append(docs, doc)
	}
	j, y := docs[0], docs[1]
	if j.Info.Version != y.Info.Version || j.Paths.Len() != y.Paths.Len() || len(j.Servers) != len(y.Servers) {
		t.Fatalf("%s: the JSON and YAML documents differ", query)
	}
	return j
}

func serverURLs(doc *openapi3.T) []string {
	var out []string
	for _, s := range doc.Servers {
		out = append(out, s.URL)
	}
	return out
}

func pathsOf(doc *openapi3.T) string {
	return strings.Join(doc.Paths.InMatchingOrder(), " ")
}

func TestAPIContract(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	viewer := e.user("viewer", "viewer")
	pub := e.user("pub", "publisher")

	// An API whose process is missing cannot be described: 400 naming it.
	e.must(http.StatusOK, "POST", "/apply", pub, applyBody(connDoc, procDoc, contractAPIv1))
	a := e.must(http.StatusBadRequest, "GET", "/apis/erp/openapi.json", viewer, nil)
	if p := a.problem(t); !strings.Contains(p.Detail, "process/getCustomer") {
		t.Errorf("detail %q does not name the missing process/getCustomer", p.Detail)
	}
	e.must(http.StatusOK, "POST", "/apply", pub, applyBody(contractProcDoc))

	// The current revisions; without an environment the server is the
	// runtime path, relative to this host.
	doc := e.contract("erp", "", viewer)
	if doc.Info.Title != "ERP" || doc.Info.Version != "v1" || pathsOf(doc) != "/customers /customers/{id}" {
		t.Errorf("current: info %+v, paths %s", doc.Info, pathsOf(doc))
	}
	if got := serverURLs(doc); len(got) != 1 || got[0] != "/ws/rest/erp/v1" {
		t.Errorf("current: servers %v", got)
	}
	out := doc.Paths.Value("/customers/{id}").Get.Responses.Status(200).Value.Content.Get("application/json").Schema
	if out == nil || out.Value == nil || out.Value.Properties["name"] == nil {
		t.Errorf("the process's output profile is not the response schema: %+v", out)
	}

	// Package 1.0.0 pins v1; the current revisions move on to v2.
	e.must(http.StatusCreated, "POST", "/packages", pub, map[string]any{"component": erpRef, "version": "1.0.0"})
	e.must(http.StatusOK, "POST", "/apply", pub, applyBody(contractOrders, contractAPIv2))
	if doc := e.contract("erp", "", viewer); doc.Info.Version != "v2" || !strings.Contains(pathsOf(doc), "/orders") {
		t.Errorf("current after the change: version %s, paths %s", doc.Info.Version, pathsOf(doc))
	}
	if doc := e.contract("erp", "?version=1.0.0", viewer); doc.Info.Version != "v1" || strings.Contains(pathsOf(doc), "/orders") {
		t.Errorf("package 1.0.0: version %s, paths %s", doc.Info.Version, pathsOf(doc))
	}
	e.must(http.StatusCreated, "POST", "/packages", pub, map[string]any{"component": erpRef, "version": "2.0.0"})

	// Environments: dev has a public address, staging none.
	e.must(http.StatusCreated, "POST", "/environments", e.admin, map[string]any{"name": "dev", "spec": map[string]any{"publicURL": "https://api.example.com/"}})
	e.must(http.StatusCreated, "POST", "/environments", e.admin, map[string]any{"name": "staging"})
	e.must(http.StatusCreated, "POST", "/deployments", pub, map[string]any{"environment": "dev", "component": erpRef, "version": "1.0.0"})
	e.must(http.StatusCreated, "POST", "/deployments", pub, map[string]any{"environment": "staging", "component": erpRef, "version": "2.0.0"})
	doc = e.contract("erp", "?environment=dev", viewer)
	if got := serverURLs(doc); doc.Info.Version != "v1" || len(got) != 1 || got[0] != "https://api.example.com/ws/rest/erp/v1" {
		t.Errorf("dev: version %s, servers %v", doc.Info.Version, got)
	}
	doc = e.contract("erp", "?environment=staging", viewer)
	if got := serverURLs(doc); doc.Info.Version != "v2" || len(got) != 1 || got[0] != "/ws/rest/erp/v2" {
		t.Errorf("staging: version %s, servers %v", doc.Info.Version, got)
	}

	// Two API versions active in dev: apiVersion picks one.
	e.must(http.StatusCreated, "POST", "/deployments", pub, map[string]any{"environment": "dev", "component": erpRef, "version": "2.0.0"})
	a = e.must(http.StatusBadRequest, "GET", "/apis/erp/openapi.json?environment=dev", viewer, nil)
	if p := a.problem(t); !strings.Contains(p.Detail, "v1, v2") || !strings.Contains(p.Detail, "apiVersion") {
		t.Errorf("ambiguous: detail %q", p.Detail)
	}
	if doc := e.contract("erp", "?environment=dev&apiVersion=v2", viewer); doc.Info.Version != "v2" || serverURLs(doc)[0] != "https://api.example.com/ws/rest/erp/v2" {
		t.Errorf("dev v2: version %s, servers %v", doc.Info.Version, serverURLs(doc))
	}
	if doc := e.contract("erp", "?environment=dev&apiVersion=v1", viewer); doc.Info.Version != "v1" {
		t.Errorf("dev v1: version %s", doc.Info.Version)
	}

	// Bad requests, each a problem naming what is wrong.
	for _, tc := range []struct {
		path   string
		status int
		detail string
	}{
		{"/apis/nope/openapi.json", http.StatusNotFound, "nope"},
		{"/apis/nope/openapi.yaml", http.StatusNotFound, "nope"},
		{"/apis/erp/openapi.json?version=9.9.9", http.StatusNotFound, "9.9.9"},
		{"/apis/erp/openapi.json?environment=nowhere", http.StatusNotFound, "nowhere"},
		{"/apis/erp/openapi.json?environment=dev&apiVersion=v3", http.StatusNotFound, "v3"},
		{"/apis/erp/openapi.json?environment=dev&version=1.0.0", http.StatusBadRequest, "not both"},
		{"/apis/erp/openapi.json?apiVersion=v1", http.StatusBadRequest, "environment"},
		{"/apis/Bad%20Name/openapi.json", http.StatusBadRequest, "name"},
	} {
		if p := e.must(tc.status, "GET", tc.path, viewer, nil).problem(t); !strings.Contains(p.Detail, tc.detail) {
			t.Errorf("%s: detail %q does not mention %q", tc.path, p.Detail, tc.detail)
		}
	}
	e.must(http.StatusOK, "POST", "/deployments/undeploy", pub, map[string]any{"environment": "staging", "component": erpRef})
	if p := e.must(http.StatusNotFound, "GET", "/apis/erp/openapi.json?environment=staging", viewer, nil).problem(t); !strings.Contains(p.Detail, "not deployed in staging") {
		t.Errorf("undeployed: detail %q", p.Detail)
	}
}

func TestAPIContractNeedsRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.must(http.StatusOK, "POST", "/apply", e.admin, applyBody(connDoc, procDoc, apiDoc))
	var rt newTokenAnswer
	e.must(http.StatusCreated, "POST", "/tokens", e.admin, map[string]string{"name": "rt", "role": "runtime"}).json(t, &rt)
	for _, tc := range []struct {
		who, token string
		want       int
	}{
		{"nobody", "", http.StatusUnauthorized},
		{"a bad token", "ptc_nonsense", http.StatusUnauthorized},
		{"a runtime token", rt.Token, http.StatusForbidden},
		{"a viewer", e.user("viewer", "viewer"), http.StatusOK},
		{"an operator", e.user("op", "operator"), http.StatusOK},
		{"a publisher", e.user("pub", "publisher"), http.StatusOK},
		{"an admin", e.admin, http.StatusOK},
	} {
		for _, file := range []string{"openapi.json", "openapi.yaml"} {
			if a := e.do("GET", "/apis/erp/"+file, tc.token, nil); a.status != tc.want {
				t.Errorf("%s GET %s: %d, want %d: %s", tc.who, file, a.status, tc.want, a.body)
			}
		}
	}
}

// The platform names the runtime's REST prefix without linking the runtime.
func TestRESTPrefixIsTheRuntimes(t *testing.T) {
	t.Parallel()
	if restPrefix != rest.DefaultPrefix {
		t.Errorf("restPrefix %q, the runtime serves REST APIs at %q", restPrefix, rest.DefaultPrefix)
	}
}
