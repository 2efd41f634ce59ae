package process_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// TestDocumentedExamplesRun runs the examples of "How a process runs" over
// a real database: what the documentation promises is what happens.
func TestDocumentedExamplesRun(t *testing.T) {
	t.Parallel()
	db := openSQLite(t, `
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT, price REAL, stock INTEGER);
INSERT INTO products VALUES (1, 'pen', 1.5, 10), (2, 'ink', 4, 0);
CREATE TABLE quotes (lines INTEGER);`)
	res := &resources{
		sql:  map[string]process.SQL{"erp": db},
		http: map[string]process.HTTP{"crm": &httpConn{base: "http://127.0.0.1:1"}},
	}
	procs := documentedProcesses(t, res)
	run := func(name string, in process.Input) (*process.Result, error) {
		t.Helper()
		p, ok := procs[name]
		if !ok {
			t.Fatalf("no process %s in the documentation", name)
		}
		return p.Run(context.Background(), in)
	}

	got, err := run("getProduct", process.Input{Props: obj("param_id", "2")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{obj("id", 2, "name", "ink", "price", 4.0, "inStock", false)}, got.Documents); diff != "" {
		t.Errorf("getProduct (-want +got):\n%s", diff)
	}
	if got.Props["outheader_X-Stock"] != "0" {
		t.Errorf("outheader_X-Stock = %v", got.Props["outheader_X-Stock"])
	}
	_, err = run("getProduct", process.Input{Props: obj("param_id", "9")})
	var f *process.Failure
	if !errors.As(err, &f) || f.Status != 404 {
		t.Errorf("getProduct of a missing id: %v", err)
	}
	_, err = run("getProduct", process.Input{Props: obj("param_id", "abc")})
	if !errors.Is(err, process.ErrStep) || !strings.Contains(err.Error(), `process getProduct: spec.steps[0].query: params.id: tonumber cannot be applied to "abc"`) {
		t.Errorf("getProduct of a bad id: %v", err)
	}

	order := obj("lines", []any{obj("productId", 1, "qty", 2), obj("productId", 7, "qty", 1), obj("productId", 2, "qty", 3)})
	got, err = run("quoteOrder", process.Input{Documents: []any{order}})
	if err != nil {
		t.Fatal(err)
	}
	want := []any{obj("productId", 1, "amount", 3.0, "total", 15.0), obj("productId", 2, "amount", 12.0, "total", 15.0)}
	if diff := cmp.Diff(want, got.Documents); diff != "" {
		t.Errorf("quoteOrder (-want +got):\n%s", diff)
	}
	_, err = run("quoteOrder", process.Input{Documents: []any{obj("lines", []any{obj("productId", 7, "qty", 1)})}})
	if !errors.As(err, &f) || f.Status != 422 || f.Code != "emptyOrder" {
		t.Errorf("quoteOrder without known products: %v", err)
	}
}

// documentedProcesses compiles the processes of docs/yaml/process.md.
func documentedProcesses(t *testing.T, res *resources) map[string]*process.Process {
	t.Helper()
	data, err := os.ReadFile("../../docs/yaml/process.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*process.Process{}
	for _, c := range yamlExamples(string(data)) {
		docs, err := manifest.Decode("process.md", c)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.Component == nil || d.Component.Kind != model.KindProcess {
				continue
			}
			p, err := process.Compile(d.Component.Name, d.Component.Spec.(*model.ProcessSpec), res)
			if err != nil {
				t.Fatal(err)
			}
			out[d.Component.Name] = p
		}
	}
	return out
}
