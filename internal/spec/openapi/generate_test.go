package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json")

type fixture struct {
	API       model.APISpec                 `json:"api"`
	Processes map[string]*model.ProcessSpec `json:"processes"`
}

func loadFixture(t *testing.T, name string) fixture {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := yaml.UnmarshalWithOptions(b, &f, yaml.DisallowUnknownField()); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	// The fixture must be a model the control plane would accept.
	if err := f.API.Validate(); err != nil {
		t.Fatalf("%s: api: %v", name, err)
	}
	for n, p := range f.Processes {
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: process %s: %v", name, n, err)
		}
	}
	return f
}

func representative(t *testing.T) *openapi3.T {
	t.Helper()
	f := loadFixture(t, "representative.yaml")
	doc, err := Generate(Input{API: &f.API, APIName: "erp", Processes: f.Processes, Security: []SecurityScheme{
		{Kind: SecurityAPIKey}, {Kind: SecurityBearer}, {Kind: SecurityBasic}, {Kind: SecurityMutualTLS, Name: "clientCert"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestGenerateGolden pins the whole document; run with -update after an
// intended change and read the diff.
func TestGenerateGolden(t *testing.T) {
	t.Parallel()
	got, err := json.MarshalIndent(representative(t), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "representative.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("document differs from %s (go test -update rewrites it):\n%s", golden, cmp.Diff(string(want), string(got)))
	}
}

// TestGeneratedDocumentLoadsAndValidates reads the served form back as a
// client would and validates it in 3.1 mode, apart from Generate's own
// check.
func TestGeneratedDocumentLoadsAndValidates(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(representative(t))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.IsOpenAPI31OrLater() || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation(), openapi3.EnableSchemaDefaultsValidation()); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(`"$defs"`)) || bytes.Contains(b, []byte(`"definitions"`)) || bytes.Contains(b, []byte(`"$schema"`)) {
		t.Error("profile $defs, definitions or $schema left in the document")
	}
	for _, ref := range refsIn(t, b) {
		if !strings.HasPrefix(ref, "#/components/") {
			t.Errorf("$ref %q does not point into components", ref)
		}
	}
}

// refsIn lists every "$ref" string of a JSON document.
func refsIn(t *testing.T, b []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var refs []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				refs = append(refs, r)
			}
			for k, c := range x {
				if k != "default" && k != "examples" && k != "example" {
					walk(c)
				}
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	if len(refs) == 0 {
		t.Fatal("no $ref at all: the walk is broken")
	}
	return refs
}

func TestGenerateOperations(t *testing.T) {
	t.Parallel()
	doc := representative(t)
	type want struct {
		path, method, id string
		reqMedia         string // "" for no body
		reqSchema        string // "$ref" target, "array:"+target, or "string"
		success          int
		respMedia        string
		paged            bool
		params           []string // in:name:type[:required]
	}
	cases := []want{
		{path: "/customers", method: "GET", id: "getCustomers", success: 200, respMedia: mediaJSON, paged: true,
			params: []string{"query:limit:integer", "query:minBalance:number", "query:active:boolean:required", "query:q:string", "query:moreDataToken:string", "header:X-Tenant:string"}},
		{path: "/customers/{id}", method: "GET", id: "getCustomer", success: 200, respMedia: mediaJSON, params: []string{"path:id:integer:required"}},
		{path: "/customers", method: "POST", id: "postCustomers", reqMedia: mediaJSON, reqSchema: "CreateCustomerInput", success: 201, respMedia: mediaJSON},
		{path: "/customers/{id}", method: "PUT", id: "putCustomersByKey", reqMedia: mediaJSON, reqSchema: "PutCustomersByKeyRequest", success: 200, respMedia: mediaJSON, params: []string{"path:id:string:required"}},
		{path: "/customers/{id}", method: "DELETE", id: "deleteCustomersById", success: 204, params: []string{"path:id:string:required"}},
		{path: "/customers/import", method: "POST", id: "postCustomersImport", reqMedia: mediaJSON, reqSchema: "array:ImportCustomersInput", success: 200, respMedia: mediaJSON, paged: true, params: []string{"query:moreDataToken:string"}},
		{path: "/orders/{orderId}/lines/{line}/note", method: "POST", id: "postOrdersByOrderIdLinesByLineNote", reqMedia: mediaText, reqSchema: "string", success: 200, respMedia: mediaText,
			params: []string{"path:orderId:string:required", "path:line:string:required"}},
		{path: "/invoices.xml", method: "POST", id: "postInvoicesXml", reqMedia: mediaXML, reqSchema: "string", success: 200, respMedia: mediaXML},
		{path: "/documents/{name}", method: "PUT", id: "putDocumentsByName", reqMedia: mediaBinary, reqSchema: "string", success: 200, respMedia: mediaBinary, params: []string{"path:name:string:required"}},
		{path: "/", method: "GET", id: "get", success: 200, respMedia: mediaJSON},
	}
	if n := len(doc.Paths.Map()); n != 7 {
		t.Errorf("%d paths, want 7 (PUT /customers/{key} joins /customers/{id})", n)
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			t.Parallel()
			item := doc.Paths.Value(c.path)
			if item == nil {
				t.Fatalf("no path %s", c.path)
			}
			op := item.GetOperation(c.method)
			if op == nil {
				t.Fatalf("no %s operation", c.method)
			}
			if op.OperationID != c.id {
				t.Errorf("operationId = %q, want %q", op.OperationID, c.id)
			}
			var params []string
			for _, p := range op.Parameters {
				s := p.Value.In + ":" + p.Value.Name + ":" + (*p.Value.Schema.Value.Type)[0]
				if p.Value.Required {
					s += ":required"
				}
				params = append(params, s)
			}
			if diff := cmp.Diff(c.params, params); diff != "" {
				t.Errorf("parameters (-want +got):\n%s", diff)
			}
			switch {
			case c.reqMedia == "" && op.RequestBody != nil:
				t.Error("has a request body")
			case c.reqMedia != "":
				if op.RequestBody == nil {
					t.Fatal("no request body")
				}
				mt := op.RequestBody.Value.Content.Get(c.reqMedia)
				if mt == nil || len(op.RequestBody.Value.Content) != 1 {
					t.Fatalf("request content %v, want only %s", op.RequestBody.Value.Content, c.reqMedia)
				}
				if got := describe(mt.Schema); got != c.reqSchema {
					t.Errorf("request schema %s, want %s", got, c.reqSchema)
				}
			}
			ok := op.Responses.Status(c.success)
			if ok == nil {
				t.Fatalf("no %d response; have %v", c.success, op.Responses.Keys())
			}
			for s := 200; s < 300; s++ {
				if s != c.success && op.Responses.Status(s) != nil {
					t.Errorf("a second success response %d", s)
				}
			}
			if c.respMedia == "" && len(ok.Value.Content) != 0 {
				t.Errorf("success has content %v", ok.Value.Content)
			}
			if c.respMedia != "" && ok.Value.Content.Get(c.respMedia) == nil {
				t.Errorf("success content %v, want %s", ok.Value.Content, c.respMedia)
			}
			for _, h := range []string{"Link", "X-More-Data-Token"} {
				if _, has := ok.Value.Headers[h]; has != c.paged {
					t.Errorf("success header %s present = %v, want %v", h, has, c.paged)
				}
			}
			for _, se := range standardErrors {
				r := op.Responses.Status(se.status)
				if r == nil {
					t.Errorf("no %d response", se.status)
					continue
				}
				if r.Ref == "" {
					continue // the endpoint declares this status itself
				}
				if r.Value.Content.Get(mediaProblem) == nil {
					t.Errorf("%d is not problem+json", se.status)
				}
			}
			for code, r := range op.Responses.Map() {
				if _, has := r.Value.Headers[executionIDHeader]; !has {
					t.Errorf("response %s lacks X-Execution-Id", code)
				}
			}
		})
	}
}

// describe names a schema for comparison: its component, array:component
// or its type.
func describe(s *openapi3.SchemaRef) string {
	switch {
	case s.Ref != "":
		return strings.TrimPrefix(s.Ref, schemaRefPrefix)
	case s.Value.Type.Is("array") && s.Value.Items != nil:
		return "array:" + describe(s.Value.Items)
	case s.Value.Type != nil:
		return (*s.Value.Type)[0]
	}
	return "any"
}

func TestGenerateDeclaredResponses(t *testing.T) {
	t.Parallel()
	doc := representative(t)
	get := doc.Paths.Value("/customers/{id}").Get
	if d := get.Responses.Status(404).Value.Description; d == nil || *d != "No customer has this id." {
		t.Errorf("declared 404 does not replace the standard one: %v", d)
	}
	post := doc.Paths.Value("/customers").Post
	conflict := post.Responses.Status(409)
	if conflict == nil || conflict.Value.Content.Get(mediaProblem) == nil {
		t.Fatal("declared 409 without profile is not problem+json")
	}
	if post.Responses.Status(200) != nil {
		t.Error("declared 201 should replace the default 200")
	}
	put := doc.Paths.Value("/documents/{name}").Put
	unproc := put.Responses.Status(422)
	if unproc == nil || describe(unproc.Value.Content.Get(mediaJSON).Schema) != "PutDocumentsByNameResponse422" {
		t.Fatalf("declared 422 with a profile: %+v", unproc)
	}
}

// TestProfileSchemasKeepTheirMeaning validates instances against the
// converted profiles: $defs moved into components must still constrain
// what they constrained.
func TestProfileSchemasKeepTheirMeaning(t *testing.T) {
	t.Parallel()
	doc := representative(t)
	cases := []struct {
		schema string
		value  string
		ok     bool
	}{
		{"ListCustomersOutput", `{"id": 1, "name": "Ada", "address": {"country": "DE"}}`, true},
		{"ListCustomersOutput", `{"id": 1, "name": "Ada", "address": {"country": "DEU"}}`, false},
		{"ListCustomersOutput", `{"id": 1, "name": "Ada", "referredBy": {"id": 2}}`, false},
		{"ListCustomersOutput", `{"id": 1, "name": "Ada", "referredBy": {"id": 2, "name": "Bob"}}`, true},
		{"ListCustomersOutput", `{"id": "1", "name": "Ada"}`, false},
		{"CreateCustomerInput", `{"name": "Ada", "meta": {"a": "b"}}`, true},
		{"CreateCustomerInput", `{"name": "Ada", "meta": {"a": 1}}`, false},
		{"CreateCustomerInput", `{"name": ""}`, false},
		{"GetCustomerOutput", `{"id": null, "status": "active"}`, true},
		{"GetCustomerOutput", `{"id": 1, "status": "gone"}`, false},
		{"Problem", `{"type": "https://portico.dev/problems/bad-request", "title": "Bad Request", "status": 400, "errors": [{"pointer": "/name", "message": "required"}]}`, true},
		{"Problem", `{"title": "Bad Request", "status": 400}`, false},
	}
	for _, c := range cases {
		t.Run(c.schema+" "+c.value, func(t *testing.T) {
			t.Parallel()
			s := doc.Components.Schemas[c.schema]
			if s == nil {
				t.Fatalf("no schema %s", c.schema)
			}
			var v any
			if err := json.Unmarshal([]byte(c.value), &v); err != nil {
				t.Fatal(err)
			}
			err := s.Value.VisitJSON(v, openapi3.EnableJSONSchema2020())
			if (err == nil) != c.ok {
				t.Errorf("valid = %v, want %v (%v)", err == nil, c.ok, err)
			}
		})
	}
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	api := func(ep model.Endpoint) *model.APISpec {
		return &model.APISpec{BasePath: "x", Version: "v1", Endpoints: []model.Endpoint{ep}}
	}
	procs := func(in model.Schema) map[string]*model.ProcessSpec {
		return map[string]*model.ProcessSpec{"p": {Input: in}}
	}
	post := model.Endpoint{Method: "POST", Path: "/a", Process: "p"}
	cases := []struct {
		name string
		in   Input
		want string
		is   error
	}{
		{"no API", Input{}, "no API", model.ErrInvalid},
		{"missing process", Input{API: api(post)}, `process "p" is not given`, model.ErrNotFound},
		{"external ref", Input{API: api(post), Processes: procs(model.Schema{"$ref": "https://example.com/s.json"})}, "only references inside the profile", nil},
		{"ref to nowhere", Input{API: api(post), Processes: procs(model.Schema{"$ref": "#/$defs/missing"})}, "does not resolve", nil},
		{"dynamic ref", Input{API: api(post), Processes: procs(model.Schema{"$dynamicRef": "#node"})}, "$dynamicRef", nil},
		{"bad defs", Input{API: api(post), Processes: procs(model.Schema{"$defs": []any{1}})}, "$defs is not an object", nil},
		{"invalid schema", Input{API: api(post), Processes: procs(model.Schema{"type": "thing"})}, "invalid", nil},
		{"unknown security", Input{API: api(post), Processes: procs(nil), Security: []SecurityScheme{{Kind: "oauth"}}}, `kind "oauth" is not supported`, nil},
		{"duplicate security", Input{API: api(post), Processes: procs(nil), Security: []SecurityScheme{{Kind: SecurityBasic}, {Kind: SecurityBasic}}}, "appears twice", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Generate(c.in)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %v is not %v", err, c.is)
			}
		})
	}
}

// TestGenerateLenientAnnotations: a profile whose example or default
// breaks its own schema still gets documentation (JSON Schema only
// recommends they be valid).
func TestGenerateLenientAnnotations(t *testing.T) {
	t.Parallel()
	in := Input{
		API: &model.APISpec{BasePath: "x", Version: "v1", Endpoints: []model.Endpoint{{Method: "POST", Path: "/a", Process: "p"}}},
		Processes: map[string]*model.ProcessSpec{"p": {Input: model.Schema{
			"type": "object", "properties": map[string]any{"n": map[string]any{"type": "integer", "default": "zero"}},
			"examples": []any{"not an object"},
			"$defs":    map[string]any{"yes": true, "no": false},
		}}},
	}
	doc, err := Generate(in)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Info.Title != "x" || doc.Info.Version != "v1" {
		t.Errorf("info = %+v, want title from the base path and version v1", doc.Info)
	}
	for _, n := range []string{"PInput", "PInput_yes", "PInput_no"} {
		if doc.Components.Schemas[n] == nil {
			t.Errorf("no schema %s", n)
		}
	}
	if err := doc.Components.Schemas["PInput_no"].Value.VisitJSON(1.0, openapi3.EnableJSONSchema2020()); err == nil {
		t.Error("the false $def accepts a value")
	}
}
