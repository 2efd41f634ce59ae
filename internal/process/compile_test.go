package process_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	db := openSQLite(t, "")
	cases := []struct {
		name, spec string
		want       []string // substrings of the error
	}{
		{"jq syntax", "steps:\n- map: {jq: .}\n- map: {jq: '.a |'}\n", []string{"process t: spec.steps[1].map.jq: unexpected EOF"}},
		{"unknown jq variable", "steps:\n- map: {jq: '$nope'}", []string{"spec.steps[0].map.jq: variable not defined: $nope"}},
		{"condition syntax", "steps:\n- decide:\n    if: 'len(documents) =='\n    then: [{return: {}}]", []string{"spec.steps[0].decide.if: unexpected token EOF"}},
		{"condition not boolean", "steps:\n- decide:\n    if: 'len(documents)'\n    then: [{return: {}}]", []string{"spec.steps[0].decide.if: expected bool, but got int"}},
		{"condition unknown name", "steps:\n- decide:\n    if: 'docs == nil'\n    then: [{return: {}}]", []string{"spec.steps[0].decide.if: unknown name docs"}},
		{"nested error path", "steps:\n- foreach:\n    items: '.[]'\n    steps:\n    - decide:\n        if: 'true'\n        then:\n        - set: {properties: {a: '{'}}",
			[]string{"spec.steps[0].foreach.steps[0].decide.then[0].set.properties.a:"}},
		{"foreach items", "steps:\n- foreach:\n    items: '.[}'\n    steps: [{return: {}}]", []string{"spec.steps[0].foreach.items:"}},
		{"unknown connection", "steps:\n- query: {connection: nope, sql: SELECT 1}", []string{"spec.steps[0].query.connection: connection nope: not found"}},
		{"missing param", "steps:\n- query:\n    connection: erp\n    sql: SELECT * FROM t WHERE a = :a AND b = :b\n    params: {a: .a}", []string{"spec.steps[0].query.params: no value for :b"}},
		{"unused param", "steps:\n- exec:\n    connection: erp\n    sql: DELETE FROM t WHERE a = :a\n    params: {a: .a, z: .z}", []string{"spec.steps[0].exec.params.z: the statement has no :z"}},
		{"bad SQL text", "steps:\n- exec:\n    connection: erp\n    sql: \"DELETE FROM t WHERE a = 'x\"", []string{"spec.steps[0].exec.sql: unterminated string literal"}},
		{"http connection and header", "steps:\n- http:\n    connection: nope\n    headers: {X-A: '.['}", []string{"spec.steps[0].http.connection:", "spec.steps[0].http.headers.X-A:"}},
		{"all errors at once", "steps:\n- map: {jq: '('}\n- set: {properties: {b: ')'}}", []string{"spec.steps[0].map.jq:", "; spec.steps[1].set.properties.b:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := process.Compile("t", parseSpec(t, tc.spec), &resources{sql: map[string]process.SQL{"erp": db}})
			check(t, err, tc.want)
		})
	}
	// A spec that skipped validation is validated again.
	_, err := process.Compile("t", &model.ProcessSpec{Steps: []model.Step{{}}}, &resources{})
	check(t, err, []string{"spec.steps[0]: a step needs exactly one of"})
}

func check(t *testing.T, err error, want []string) {
	t.Helper()
	if err == nil {
		t.Fatal("compiled")
	}
	if !errors.Is(err, model.ErrInvalid) {
		t.Errorf("%v does not wrap model.ErrInvalid", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

// TestDocumentedProcessesCompile compiles every process of the user
// documentation and of the ERP example, so that what they show runs.
func TestDocumentedProcessesCompile(t *testing.T) {
	t.Parallel()
	files := []string{"../../docs/yaml/process.md", "../../examples/erp/02-processes.yaml"}
	db := openSQLite(t, "")
	n := 0
	for _, f := range files {
		res := &resources{
			sql:  map[string]process.SQL{"erp": db},
			http: map[string]process.HTTP{"crm": &httpConn{base: "http://127.0.0.1:1"}},
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var chunks [][]byte
		if strings.HasSuffix(f, ".md") {
			chunks = yamlExamples(string(data))
		} else {
			chunks = [][]byte{data}
		}
		for _, c := range chunks {
			docs, err := manifest.Decode(f, c)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for _, d := range docs {
				if d.Component == nil || d.Component.Kind != model.KindProcess {
					continue
				}
				n++
				p, _ := res.Process(d.Component.Name)
				if err := p.Define(d.Component.Spec.(*model.ProcessSpec), res); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d processes found", n)
	}
}

// yamlExamples returns the ```yaml blocks (not the invalid ones) of Markdown.
func yamlExamples(md string) [][]byte {
	var out [][]byte
	var cur *strings.Builder
	for _, l := range strings.Split(md, "\n") {
		switch {
		case cur == nil && strings.TrimSpace(l) == "```yaml":
			cur = &strings.Builder{}
		case cur != nil && strings.TrimSpace(l) == "```":
			out = append(out, []byte(cur.String()))
			cur = nil
		case cur != nil:
			cur.WriteString(l + "\n")
		}
	}
	return out
}
