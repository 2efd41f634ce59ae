package manifest_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
)

// docID is "kind/name" of a decoded document.
func docID(d manifest.Document) string { return d.Kind() + "/" + d.Name() }

func TestDecodeGood(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"api.yaml":                 {"api/erp", "api/erp-v2"},
		"comments-and-empty.yaml":  {"environment/staging", "environment/qa"},
		"connection-database.yaml": {"connection/erp-db"},
		"connection-http.yaml":     {"connection/crm", "connection/billing-http", "connection/webhook"},
		"environment.yaml":         {"environment/prod", "environment/dev"},
		"mixed.json":               {"connection/j"},
		"process.yaml":             {"process/create-order", "process/audit"},
		"proxy.yaml":               {"proxy/billing"},
	}
	files, err := filepath.Glob("testdata/good/*")
	if err != nil || len(files) != len(want) {
		t.Fatalf("testdata/good holds %d files, the table %d (%v)", len(files), len(want), err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			docs, err := manifest.Decode(name, data)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			var got []string
			for _, d := range docs {
				got = append(got, docID(d))
				if !strings.HasPrefix(d.Source, name+":") {
					t.Errorf("Source = %q, want %s:LINE", d.Source, name)
				}
				if d.Component != nil {
					if err := d.Component.Validate(); err != nil {
						t.Errorf("%s does not validate: %v", docID(d), err)
					}
					roundTrip(t, d.Component)
				} else if err := d.Environment.Validate(); err != nil {
					t.Errorf("%s does not validate: %v", docID(d), err)
				}
			}
			if !slices.Equal(got, want[name]) {
				t.Errorf("decoded %q, want %q", got, want[name])
			}
		})
	}
}

// roundTrip checks that EncodeComponent writes YAML that decodes to the same
// content hash: get -o yaml | apply -f - makes no new revision.
func roundTrip(t *testing.T, c *model.Component) {
	t.Helper()
	h1, err := c.ContentHash()
	if err != nil {
		t.Fatal(err)
	}
	out, err := manifest.EncodeComponent(c)
	if err != nil {
		t.Fatalf("EncodeComponent: %v", err)
	}
	docs, err := manifest.Decode("encoded", out)
	if err != nil || len(docs) != 1 || docs[0].Component == nil {
		t.Fatalf("encoded %s does not decode back: %v\n%s", c.Ref(), err, out)
	}
	h2, err := docs[0].Component.ContentHash()
	if err != nil {
		t.Fatal(err)
	}
	if h1 != h2 {
		t.Fatalf("%s: hash %s became %s over encode/decode:\n%s", c.Ref(), h1, h2, out)
	}
}

func TestDecodeBad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		invalid bool     // a validation error (errors.Is ErrInvalid), not a syntax one
		want    []string // substrings of the error, in any order
	}{
		{"api-bad-endpoints.yaml", true, []string{"(document 1)", `spec.basePath: "/erp" is not a valid base path`,
			"spec.endpoints[2].path: GET /customers/{key} duplicates spec.endpoints[1]",
			`spec.endpoints[3].method: "get" is not an HTTP method`, `spec.endpoints[3].path: "customers" must start with /`,
			"spec.endpoints[3].process: must name a process"}},
		{"api-bad-name.yaml", true, []string{`api-bad-name.yaml:1`, `name: "my erp" is not a valid name`}},
		{"api-missing-spec.yaml", true, []string{"spec: is required"}},
		{"api-protected-header.yaml", true, []string{`spec.endpoints[0].headers[0]: "X-Forwarded-For" is a protected header`}},
		{"connection-bad-driver.yaml", true, []string{`spec.database.driver: "oracle" is not supported (want sqlite, postgres or mysql)`}},
		{"connection-bad-duration.yaml", false, []string{`invalid duration "10" (want e.g. 500ms, 30s, 5m)`}},
		{"connection-http-relative.yaml", true, []string{`spec.http.baseURL: "crm.example.com" is not an absolute http(s) URL`,
			"spec.http.auth.token: is required for bearer authentication"}},
		{"connection-unknown-field.yaml", false, []string{`[8:5] unknown field "poolSize"`, ">  8 |     poolSize: 4"}},
		{"duplicate-key.yaml", false, []string{`[3:1] mapping key "name" already defined at [2:1]`}},
		{"environment-bad-url.yaml", true, []string{`spec.publicURL: "api.example.com" is not an absolute http(s) URL`}},
		{"environment-labels.yaml", false, []string{`[3:1] unknown field "labels"`}},
		{"malformed-flow.yaml", false, []string{"malformed-flow.yaml: [3:7]", "'}'"}},
		{"malformed-indent.yaml", false, []string{"malformed-indent.yaml: [1:7] mapping value is not allowed in this context"}},
		{"missing-kind.yaml", false, []string{"kind is required (Connection, Process, API, Proxy, Environment or User)"}},
		{"not-a-mapping.yaml", false, []string{"a document must be a mapping with kind, name and spec"}},
		{"process-nested-sql.yaml", true, []string{"spec.steps[0].decide.then[1].query.sql: is required"}},
		{"process-no-steps.yaml", true, []string{"spec.steps: a process needs at least one step"}},
		{"process-two-actions.yaml", true, []string{`spec.mode: "fast" is not supported (want general or low-latency)`,
			"spec.steps[0]: a step needs exactly one of query, exec, http, map, set, decide, foreach, call, return, fail (found 2)"}},
		{"process-unknown-step-field.yaml", false, []string{`[8:9] unknown field "timeout"`}},
		{"proxy-reserved-prefix.yaml", true, []string{`spec.pathPrefix: "/api" is reserved by Portico`,
			`spec.targets[0].url: "ftp://billing" is not an absolute http(s) URL`, `spec.balancing: "random" is not supported`}},
		{"second-document.yaml", true, []string{"second-document.yaml:5 (document 3)", `name: "q a" is not a valid environment name`}},
		{"top-level-unknown-field.yaml", false, []string{`[3:1] unknown field "owner"`}},
		{"unknown-kind.yaml", false, []string{`unknown kind "Widget" (want Connection, Process, API, Proxy, Environment or User)`}},
		{"wrong-type.yaml", false, []string{"[6:14]", "sequence"}},
	}
	files, _ := filepath.Glob("testdata/bad/*")
	if len(files) != len(tests) {
		t.Errorf("testdata/bad holds %d files, the table %d", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata/bad", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			docs, err := manifest.Decode(tt.file, data)
			if err == nil {
				t.Fatalf("Decode succeeded with %d documents", len(docs))
			}
			if docs != nil {
				t.Errorf("Decode returned documents with an error")
			}
			if !errors.Is(err, manifest.ErrSyntax) {
				t.Errorf("error does not wrap ErrSyntax: %v", err)
			}
			if got := errors.Is(err, model.ErrInvalid); got != tt.invalid {
				t.Errorf("errors.Is(err, ErrInvalid) = %v, want %v", got, tt.invalid)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestDecodeEmpty(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "\n", "# nothing\n", "---\n", "---\n---\n...\n", "null\n"} {
		docs, err := manifest.Decode("empty.yaml", []byte(in))
		if err != nil || len(docs) != 0 {
			t.Errorf("Decode(%q) = %d docs, %v; want none", in, len(docs), err)
		}
	}
}

func TestDecodeSourceLines(t *testing.T) {
	t.Parallel()
	in := "# header\nkind: Environment\nname: a\n---\n\n---\n# c\nkind: Environment\nname: b\n"
	docs, err := manifest.Decode("f.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.Source)
	}
	if want := []string{"f.yaml:2", "f.yaml:8"}; !slices.Equal(got, want) {
		t.Fatalf("sources = %q, want %q", got, want)
	}
}

func TestEncodeEnvironmentRoundTrip(t *testing.T) {
	t.Parallel()
	env := &model.Environment{Name: "prod", Description: "live", Spec: model.EnvironmentSpec{PublicURL: "https://api.example.com"}, Revision: 7}
	out, err := manifest.EncodeEnvironment(env)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("revision")) {
		t.Errorf("encoded environment carries store fields:\n%s", out)
	}
	docs, err := manifest.Decode("env.yaml", out)
	if err != nil || len(docs) != 1 || docs[0].Environment == nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	got := docs[0].Environment
	if got.Name != env.Name || got.Description != env.Description || got.Spec != env.Spec {
		t.Fatalf("round trip = %+v, want %+v", got, env)
	}
}

func TestEncodeComponentOmitsStoreFields(t *testing.T) {
	t.Parallel()
	c := &model.Component{Kind: model.KindProxy, Name: "p", Revision: 4, Hash: "sha256:x", UpdatedBy: "admin",
		Spec: &model.ProxySpec{BasePath: "p", Version: "v1", Targets: []model.ProxyTarget{{URL: "http://x"}}}}
	out, err := manifest.EncodeComponent(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"revision", "hash", "updatedBy", "createdAt"} {
		if bytes.Contains(out, []byte(field)) {
			t.Errorf("encoded component carries %s:\n%s", field, out)
		}
	}
	if !bytes.HasPrefix(out, []byte("kind: Proxy\n")) {
		t.Errorf("encoded component does not start with its title-cased kind:\n%s", out)
	}
}

func TestJoin(t *testing.T) {
	t.Parallel()
	got := manifest.Join([][]byte{[]byte("a: 1\n"), []byte("b: 2"), []byte("c: 3\n")})
	if want := "a: 1\n---\nb: 2\n---\nc: 3\n"; string(got) != want {
		t.Fatalf("Join = %q, want %q", got, want)
	}
	if got := manifest.Join(nil); len(got) != 0 {
		t.Fatalf("Join(nil) = %q", got)
	}
}
