package compile_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime/compile"
)

// erpSnapshot builds the snapshot a control plane would publish for the
// given YAML documents, with api/erp (or the first root) as the package root.
func snapshotOf(t *testing.T, rev int64, root model.Ref, yaml string) *model.Snapshot {
	t.Helper()
	docs, err := manifest.Decode("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	var comps []model.Component
	for _, d := range docs {
		c := d.Component
		c.Revision = 1
		if c.Hash, err = c.ContentHash(); err != nil {
			t.Fatal(err)
		}
		comps = append(comps, *c)
	}
	return &model.Snapshot{
		Environment: "dev",
		Revision:    rev,
		Deployments: []model.SnapshotDeployment{{
			Deployment: model.Deployment{Environment: "dev", Component: root, Version: "1.0.0", Active: true},
			Package:    model.Package{Component: root, Version: "1.0.0"},
			Components: comps,
		}},
	}
}

func seedDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "erp.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []string{
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, country TEXT)`,
		`INSERT INTO customers (name, email, country) VALUES ('Ada', 'ada@example.com', 'GB'), ('Grace', 'grace@example.com', 'US')`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

const erpYAML = `
kind: Connection
name: erp
spec:
  type: database
  database: {driver: sqlite, dsn: "%s"}
---
kind: Process
name: getCustomer
spec:
  steps:
    - query:
        connection: erp
        sql: SELECT id, name, email, country FROM customers WHERE id = :id
        params: {id: '$props.param_id | tonumber'}
    - decide:
        if: 'len(documents) == 0'
        then:
          - fail: {status: 404, code: notFound, message: no such customer}
    - return: {}
---
kind: Process
name: createCustomer
spec:
  input:
    type: object
    required: [name, email]
    properties:
      name: {type: string}
      email: {type: string}
  steps:
    - query:
        connection: erp
        sql: INSERT INTO customers (name, email) VALUES (:name, :email) RETURNING id, name, email
        params: {name: .name, email: .email}
    - return: {status: 201}
---
kind: API
name: erp
spec:
  basePath: erp
  version: v1
  endpoints:
    - {method: GET, path: "/customers/{id}", process: getCustomer}
    - {method: POST, path: /customers, process: createCustomer}
`

func TestCompiledSnapshotServesRESTFromSQLite(t *testing.T) {
	t.Parallel()
	dbPath := seedDB(t)
	c, err := compile.New(compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	snap := snapshotOf(t, 3, model.Ref{Kind: model.KindAPI, Name: "erp"}, fmt.Sprintf(erpYAML, dbPath))
	compiled, err := c.Compile(context.Background(), snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer compiled.Close()
	srv := httptest.NewServer(compiled.Handler())
	defer srv.Close()

	cases := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"get by key", "GET", "/ws/rest/erp/v1/customers/1", "", 200, `"email":"ada@example.com"`},
		{"missing key", "GET", "/ws/rest/erp/v1/customers/99", "", 404, `"code":"notFound"`},
		{"create", "POST", "/ws/rest/erp/v1/customers", `{"name":"Linus","email":"linus@example.com"}`, 201, `"id":3`},
		{"duplicate email", "POST", "/ws/rest/erp/v1/customers", `{"name":"Ada","email":"ada@example.com"}`, 409, `"status":409`},
		{"profile violation", "POST", "/ws/rest/erp/v1/customers", `{"name":"NoMail"}`, 400, `"pointer":"/email"`},
		{"unknown API", "GET", "/ws/rest/nope/v1/x", "", 404, `"status":404`},
		{"outside the styles", "GET", "/ws/other", "", 404, `no route for GET /ws/other`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
				t.Errorf("%s %s = %d %s, want %d containing %s", tc.method, tc.path, resp.StatusCode, b, tc.status, tc.want)
			}
			if resp.Header.Get("X-Execution-Id") == "" {
				t.Error("no X-Execution-Id")
			}
		})
	}
}

func TestBrokenSnapshotFailsToCompile(t *testing.T) {
	t.Parallel()
	c, err := compile.New(compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	bad := strings.Replace(fmt.Sprintf(erpYAML, "x.db"), "tonumber'", "tonumber | '", 1) // a jq syntax error
	snap := snapshotOf(t, 4, model.Ref{Kind: model.KindAPI, Name: "erp"}, bad)
	_, err = c.Compile(context.Background(), snap, nil)
	if err == nil || !strings.Contains(err.Error(), "getCustomer") {
		t.Fatalf("compile error = %v, want one naming the process", err)
	}
}

func TestServicesEnablement(t *testing.T) {
	t.Parallel()
	c, err := compile.New(compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	snap := snapshotOf(t, 1, model.Ref{Kind: model.KindProcess, Name: "echo"}, `
kind: Process
name: echo
spec:
  operation: {type: get, object: Greeting}
  steps:
    - set: {properties: {greeting: '"hello " + $props.query_name'}}
    - map: {jq: '{greeting: $props.greeting}'}
`)
	compiled, err := c.Compile(context.Background(), snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer compiled.Close()
	srv := httptest.NewServer(compiled.Handler())
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/ws/simple/getGreeting?name=Ada", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || got["greeting"] != "hello Ada" {
		t.Fatalf("got %d %v (%v)", resp.StatusCode, got, err)
	}
}

func TestCompiledAPIServesItsOpenAPIDocument(t *testing.T) {
	t.Parallel()
	c, err := compile.New(compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	snap := snapshotOf(t, 3, model.Ref{Kind: model.KindAPI, Name: "erp"}, fmt.Sprintf(erpYAML, seedDB(t)))
	compiled, err := c.Compile(context.Background(), snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer compiled.Close()
	srv := httptest.NewServer(compiled.Handler())
	defer srv.Close()
	for path, want := range map[string]string{
		"/ws/rest/erp/v1/openapi.json": `"openapi": "3.1.0"`,
		"/ws/rest/erp/v1/openapi.yaml": "openapi: 3.1.0",
		"/ws/rest/erp/v1/docs":         "<html",
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("GET %s = %d, want 200 containing %q; body starts %.200s", path, resp.StatusCode, want, b)
		}
	}
	resp, err := http.Get(srv.URL + "/ws/rest/erp/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Servers []struct{ URL string } `json:"servers"`
		Paths   map[string]any         `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != srv.URL+"/ws/rest/erp/v1" {
		t.Errorf("servers = %+v, want the request's address", doc.Servers)
	}
	item, ok := doc.Paths["/customers/{id}"].(map[string]any)
	if !ok {
		t.Fatalf("paths = %v, want /customers/{id}", doc.Paths)
	}
	if get, _ := item["get"].(map[string]any); fmt.Sprint(get["tags"]) != "[customers]" {
		t.Errorf("GET /customers/{id} tags = %v, want [customers] so docs group by resource", get["tags"])
	}

}
