package process_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/process"
)

// runCase runs one process over an input and checks its result or error.
type runCase struct {
	name      string
	spec      string
	docs      []any
	props     map[string]any
	want      []any
	wantProps map[string]any // checked key by key
	status    int
	err       string // substring of the error; "" for success
	is        error  // errors.Is target when err is set
}

func (tc runCase) run(t *testing.T, res *resources) {
	t.Helper()
	p, err := process.Compile("t", parseSpec(t, tc.spec), res)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	got, err := p.Run(context.Background(), process.Input{Documents: tc.docs, Props: tc.props})
	if tc.err != "" {
		if err == nil {
			t.Fatalf("want error %q, got documents %v", tc.err, got.Documents)
		}
		if !strings.Contains(err.Error(), tc.err) {
			t.Errorf("error %q does not contain %q", err, tc.err)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("error %q is not %v", err, tc.is)
		}
		return
	}
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	want := tc.want
	if want == nil {
		want = []any{}
	}
	docs := got.Documents
	if docs == nil {
		docs = []any{}
	}
	if diff := cmp.Diff(want, docs); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	for k, v := range tc.wantProps {
		if diff := cmp.Diff(v, got.Props[k]); diff != "" {
			t.Errorf("property %s (-want +got):\n%s", k, diff)
		}
	}
	if got.Status != tc.status {
		t.Errorf("status %d, want %d", got.Status, tc.status)
	}
}

func obj(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func TestMapSetDecideForeachReturnFail(t *testing.T) {
	t.Parallel()
	cases := []runCase{
		{name: "map identity", spec: "steps:\n- map: {jq: .}", docs: []any{1, "a"}, want: []any{1, "a"}},
		{name: "map many outputs", spec: "steps:\n- map: {jq: '.items[]'}",
			docs: []any{obj("items", []any{1, 2}), obj("items", []any{3})}, want: []any{1, 2, 3}},
		{name: "map no output", spec: "steps:\n- map: {jq: 'select(. > 1)'}", docs: []any{1, 2, 3}, want: []any{2, 3}},
		{name: "map sees props", spec: "steps:\n- map: {jq: '{id: ($props.param_id | tonumber), n: .}'}",
			docs: []any{7}, props: obj("param_id", "42"), want: []any{obj("id", 42, "n", 7)}},
		{name: "map over nothing", spec: "steps:\n- map: {jq: '{a: 1}'}", want: []any{}},
		{name: "map error", spec: "steps:\n- map: {jq: .}\n- map: {jq: '.a + 1'}", docs: []any{"x"},
			err: `process t: spec.steps[1].map: expected an object but got: string ("x")`, is: process.ErrStep},
		{name: "map too many", spec: "steps:\n- map: {jq: 'range(200000)'}", docs: []any{nil},
			err: "too many documents", is: process.ErrTooManyDocuments},
		{name: "set", spec: "steps:\n- set:\n    properties: {a: .x, b: '$props.a', c: '1, 2'}",
			docs: []any{obj("x", 5), obj("x", 6)}, props: obj("a", "old"),
			want: []any{obj("x", 5), obj("x", 6)}, wantProps: obj("a", 5, "b", "old", "c", 1)},
		{name: "set over nothing sees null", spec: "steps:\n- set:\n    properties: {a: '. == null', e: empty}",
			wantProps: obj("a", true, "e", nil)},
		{name: "set error", spec: "steps:\n- set:\n    properties: {a: 'error(\"boom\")'}",
			err: "spec.steps[0].set: properties.a: error: boom", is: process.ErrStep},
		{name: "decide then", spec: "steps:\n- decide:\n    if: len(documents) == 0\n    then:\n    - set: {properties: {branch: '\"then\"'}}\n    else:\n    - set: {properties: {branch: '\"else\"'}}",
			wantProps: obj("branch", "then")},
		{name: "decide else over doc", spec: "steps:\n- decide:\n    if: doc.total > 100\n    then:\n    - map: {jq: '\"big\"'}\n    else:\n    - map: {jq: '\"small\"'}",
			docs: []any{obj("total", 99.5)}, want: []any{"small"}},
		{name: "decide props nil", spec: "steps:\n- decide:\n    if: props.query_country != nil && props.inmethod == \"GET\"\n    then:\n    - map: {jq: '$props.query_country'}",
			docs: []any{1}, props: obj("query_country", "FI", "inmethod", "GET"), want: []any{"FI"}},
		{name: "decide not a boolean", spec: "steps:\n- decide:\n    if: props.x\n    then:\n    - return: {}",
			props: obj("x", "yes"), err: "spec.steps[0].decide: if:", is: process.ErrStep},
		{name: "decide nested error path", spec: "steps:\n- decide:\n    if: 'true'\n    then:\n    - map: {jq: '1 / 0'}",
			docs: []any{1}, err: "spec.steps[0].decide.then[0].map:"},
		{name: "foreach", spec: "steps:\n- foreach:\n    items: .lines[]\n    steps:\n    - map: {jq: '{sku: .sku, twice: (.qty * 2)}'}",
			docs: []any{obj("lines", []any{obj("sku", "a", "qty", 1), obj("sku", "b", "qty", 2)}), obj("lines", []any{obj("sku", "c", "qty", 3)})},
			want: []any{obj("sku", "a", "twice", 2), obj("sku", "b", "twice", 4), obj("sku", "c", "twice", 6)}},
		{name: "foreach shares props", spec: "steps:\n- set: {properties: {n: '0'}}\n- foreach:\n    items: '.[]'\n    steps:\n    - set: {properties: {n: '$props.n + .'}}\n    - map: {jq: '$props.n'}",
			docs: []any{[]any{1, 2, 3}}, want: []any{1, 3, 6}, wantProps: obj("n", 6)},
		{name: "foreach return ends process", spec: "steps:\n- foreach:\n    items: '.[]'\n    steps:\n    - decide:\n        if: doc == 2\n        then:\n        - return: {status: 202}\n- fail: {message: not reached}",
			docs: []any{[]any{1, 2, 3}}, want: []any{2}, status: 202},
		{name: "foreach items error", spec: "steps:\n- foreach:\n    items: '.[]'\n    steps:\n    - map: {jq: .}",
			docs: []any{5}, err: "spec.steps[0].foreach: items: cannot iterate over: number"},
		{name: "return status", spec: "steps:\n- return: {status: 201}\n- fail: {message: not reached}", docs: []any{1}, want: []any{1}, status: 201},
		{name: "outstatuscode string", spec: "steps:\n- set: {properties: {outstatuscode: '\"202\"'}}\n- return: {}", status: 202},
		{name: "outstatuscode number", spec: "steps:\n- set: {properties: {outstatuscode: '204'}}", status: 204},
		{name: "outstatuscode not a status", spec: "steps:\n- set: {properties: {outstatuscode: '\"soon\"'}}\n- return: {}", status: 0},
		{name: "return status beats outstatuscode", spec: "steps:\n- set: {properties: {outstatuscode: '204'}}\n- return: {status: 200}", status: 200},
		{name: "fail", spec: "steps:\n- fail: {status: 404, code: notFound, message: no such customer}", err: "fail 404 notFound: no such customer"},
		{name: "fail default status", spec: "steps:\n- decide:\n    if: 'true'\n    then:\n    - fail: {message: broken}", err: "fail 500: broken"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, &resources{})
		})
	}
}

func TestFailureIsAs(t *testing.T) {
	t.Parallel()
	p, err := process.Compile("t", parseSpec(t, "steps:\n- decide:\n    if: 'true'\n    then:\n    - fail: {status: 422, code: bad, message: nope}"), &resources{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Run(context.Background(), process.Input{})
	var f *process.Failure
	if !errors.As(err, &f) {
		t.Fatalf("error %v is not a *Failure", err)
	}
	if *f != (process.Failure{Status: 422, Code: "bad", Message: "nope"}) {
		t.Errorf("failure %+v", *f)
	}
	if errors.Is(err, process.ErrStep) {
		t.Error("a Failure must not count as a step error")
	}
}
