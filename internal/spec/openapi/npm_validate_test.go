package openapi

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/scaffold"
	"github.com/portico-dev/portico/internal/scaffold/sample"
)

// npmValidator is the node script of tools/openapi-validate, an OpenAPI
// validator that shares no code with kin-openapi. The test skips when node
// or the script's packages are missing; CI installs them (.ci/run).
func npmValidator(t *testing.T) (node, script string) {
	t.Helper()
	const install = "npm ci --prefix tools/openapi-validate"
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the repository root is not %s: %v", root, err)
	}
	node, err = exec.LookPath("node")
	if err != nil {
		t.Skipf("node is not installed: the independent OpenAPI validator cannot run (install Node.js, then run %q at the repository root)", install)
	}
	dir := filepath.Join(root, "tools", "openapi-validate")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@seriousme", "openapi-schema-validator", "package.json")); err != nil {
		t.Skipf("the independent OpenAPI validator is not installed: run %q at the repository root", install)
	}
	return node, filepath.Join(dir, "validate.mjs")
}

// runValidator validates one file; it returns the script's output and
// whether it accepted the file.
func runValidator(t *testing.T, node, script, file string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, file)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), true
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return out.String(), false
	}
	t.Fatalf("node %s %s: %v\n%s", filepath.Base(script), filepath.Base(file), err, out.String())
	return "", false
}

// TestNPMValidatorAcceptsGeneratedDocuments runs the independent validator
// over documents as they are served (JSON and YAML, servers spliced in):
// the representative fixture, the API the generator scaffolds from the ERP
// sample database and the examples/erp API. Broken documents must be
// refused, or the check would prove nothing.
func TestNPMValidatorAcceptsGeneratedDocuments(t *testing.T) {
	t.Parallel()
	node, script := npmValidator(t)
	servers := []string{"https://api.example.com/ws/rest/erp/v1"}
	rep := render(t, representative(t))
	scaffolded := render(t, generated(t, scaffoldedInput(t)))
	example := render(t, generated(t, exampleInput(t)))

	tests := []struct {
		name    string
		doc     []byte
		wantErr string // "" means valid
	}{
		{"representative.json", rep.JSON(servers), ""},
		{"representative.yaml", rep.YAML(servers), ""},
		{"representative-no-servers.json", rep.JSON(nil), ""},
		{"scaffolded.json", scaffolded.JSON(servers), ""},
		{"scaffolded.yaml", scaffolded.YAML(servers), ""},
		{"example.json", example.JSON(servers), ""},
		{"example.yaml", example.YAML(nil), ""},

		{"no-info-version.json", mutate(t, rep.JSON(servers), func(d map[string]any) {
			delete(d["info"].(map[string]any), "version")
		}), "version"},
		{"dangling-ref.json", mutate(t, rep.JSON(servers), func(d map[string]any) {
			delete(d["components"].(map[string]any)["schemas"].(map[string]any), "Problem")
		}), "#/components/schemas/Problem"},
		{"response-without-description.json", mutate(t, rep.JSON(servers), func(d map[string]any) {
			for _, item := range d["paths"].(map[string]any) {
				for _, op := range item.(map[string]any) {
					for _, r := range op.(map[string]any)["responses"].(map[string]any) {
						delete(r.(map[string]any), "description")
					}
				}
			}
		}), "description"},
		{"parameter-in-cookie-jar.json", mutate(t, rep.JSON(servers), func(d map[string]any) {
			d["components"].(map[string]any)["parameters"] = map[string]any{"Bad": map[string]any{"name": "x", "in": "jar", "schema": map[string]any{}}}
		}), "/components/parameters/Bad"},
		// A valid document of another version is not what we generate.
		{"openapi-3.2.json", mutate(t, rep.JSON(servers), func(d map[string]any) {
			d["openapi"] = "3.2.0"
		}), "want 3.1"},
		{"not-openapi.yaml", []byte("hello: world\n"), "version"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), tc.name)
			if err := os.WriteFile(file, tc.doc, 0o600); err != nil {
				t.Fatal(err)
			}
			out, valid := runValidator(t, node, script, file)
			switch {
			case tc.wantErr == "" && !valid:
				t.Errorf("the independent validator refuses the document:\n%s", out)
			case tc.wantErr != "" && valid:
				t.Errorf("a broken document passed:\n%s", out)
			case tc.wantErr != "" && !strings.Contains(out, tc.wantErr):
				t.Errorf("output does not mention %q:\n%s", tc.wantErr, out)
			}
		})
	}
}

func render(t *testing.T, doc *openapi3.T) *Document {
	t.Helper()
	d, err := NewDocument(doc)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func generated(t *testing.T, in Input) *openapi3.T {
	t.Helper()
	doc, err := Generate(in)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// mutate edits a JSON document.
func mutate(t *testing.T, doc []byte, edit func(map[string]any)) []byte {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	edit(d)
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// scaffoldedInput is the REST API the generator makes from the ERP sample
// database (customers, products, orders, order lines).
func scaffoldedInput(t *testing.T) Input {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "erp.db")
	if _, err := sample.Create(ctx, path); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", sample.DSN(path)+"&mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema, err := scaffold.Introspect(ctx, db, "sqlite", sample.Tables)
	if err != nil {
		t.Fatal(err)
	}
	res, err := scaffold.Generate(schema, scaffold.Options{Connection: "erp", API: "erp", BasePath: "erp", Version: "v1", Title: "ERP"})
	if err != nil {
		t.Fatal(err)
	}
	return inputOf(t, "scaffold", res.Components)
}

// exampleInput is the hand-written API of examples/erp.
func exampleInput(t *testing.T) Input {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "examples", "erp", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("examples/erp: no files (%v)", err)
	}
	var comps []*model.Component
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := manifest.Decode(f, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.Component != nil {
				comps = append(comps, d.Component)
			}
		}
	}
	return inputOf(t, "examples/erp", comps)
}

// inputOf finds the one API among comps and the processes beside it.
func inputOf(t *testing.T, from string, comps []*model.Component) Input {
	t.Helper()
	in := Input{Processes: map[string]*model.ProcessSpec{}}
	for _, c := range comps {
		switch spec := c.Spec.(type) {
		case *model.APISpec:
			if in.API != nil {
				t.Fatalf("%s: more than one API", from)
			}
			in.API, in.APIName = spec, c.Name
		case *model.ProcessSpec:
			in.Processes[c.Name] = spec
		}
	}
	if in.API == nil || len(in.Processes) == 0 {
		t.Fatalf("%s: no API or no processes among %d components", from, len(comps))
	}
	return in
}
