package simple_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/simple"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

type runFunc func(ctx context.Context, in process.Input) (*process.Result, error)

func (f runFunc) Run(ctx context.Context, in process.Input) (*process.Result, error) {
	return f(ctx, in)
}

var echo = runFunc(func(_ context.Context, in process.Input) (*process.Result, error) {
	return &process.Result{Documents: []any{map[string]any{"docs": in.Documents, "props": in.Props}}}, nil
})

// two answers two documents.
var two = runFunc(func(context.Context, process.Input) (*process.Result, error) {
	return &process.Result{Documents: []any{map[string]any{"n": 1}, map[string]any{"n": 2}}}, nil
})

func op(typ, object string) *model.ProcessSpec {
	return &model.ProcessSpec{Operation: &model.ProcessOperation{Type: typ, Object: object},
		Input: model.Schema{"type": "object", "required": []any{"id"}}}
}

func TestSimple(t *testing.T) {
	t.Parallel()
	h, err := simple.Compile(map[string]endpoint.RunnerWithSpec{
		"get-customer":  {Runner: echo, Spec: op("get", "Customer")},
		"list-products": {Runner: two, Spec: &model.ProcessSpec{Operation: &model.ProcessOperation{Type: "query", Object: "Product"}, MaxDocuments: 1}},
		"internal":      {Runner: echo, Spec: &model.ProcessSpec{}},
	}, endpoint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close) // after the parallel subtests
	cases := []struct {
		name, method, path, ct, body string
		status                       int
		check                        func(t *testing.T, v map[string]any, hdr http.Header)
	}{
		{"GET with query", "GET", "/ws/simple/getCustomer?id=7", "", "", 200, func(t *testing.T, v map[string]any, _ http.Header) {
			props := v["props"].(map[string]any)
			if props["query_id"] != "7" || props["inmethod"] != "GET" || props["inpath"] != "/ws/simple/getCustomer" {
				t.Errorf("props = %v", props)
			}
		}},
		{"POST with JSON", "POST", "/ws/simple/getCustomer", "application/json", `{"id":7}`, 200, func(t *testing.T, v map[string]any, _ http.Header) {
			if docs := v["docs"].([]any); len(docs) != 1 || docs[0].(map[string]any)["id"] != 7.0 {
				t.Errorf("docs = %v", v["docs"])
			}
		}},
		{"POST against the profile", "POST", "/ws/simple/getCustomer", "application/json", `{}`, 400, func(t *testing.T, v map[string]any, _ http.Header) {
			if errs := v["errors"].([]any); errs[0].(map[string]any)["pointer"] != "/id" {
				t.Errorf("errors = %v", errs)
			}
		}},
		{"POST wrong media type", "POST", "/ws/simple/getCustomer", "text/plain", `{"id":1}`, 415, nil},
		{"GET with a body", "GET", "/ws/simple/getCustomer", "application/json", `{"id":1}`, 400, nil},
		{"other method", "DELETE", "/ws/simple/getCustomer", "", "", 405, func(t *testing.T, _ map[string]any, hdr http.Header) {
			if hdr.Get("Allow") != "GET, HEAD, POST" {
				t.Errorf("Allow = %q", hdr.Get("Allow"))
			}
		}},
		{"process without operation", "GET", "/ws/simple/internal", "", "", 404, nil},
		{"unknown operation", "GET", "/ws/simple/getNothing", "", "", 404, nil},
		{"below another prefix", "GET", "/ws/other/getCustomer", "", "", 404, nil},
		{"paged like REST", "GET", "/ws/simple/queryProduct", "", "", 200, func(t *testing.T, v map[string]any, hdr http.Header) {
			if !strings.Contains(hdr.Get("Link"), "moreDataToken=") || v["n"] != 1.0 {
				t.Errorf("two documents, one per page: want the first and a Link, got %v %v", v, hdr)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.ct != "" {
				req.Header.Set("Content-Type", c.ct)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != c.status {
				t.Fatalf("status = %d, want %d; body %s", res.StatusCode, c.status, b)
			}
			if res.Header.Get("X-Execution-Id") == "" {
				t.Error("no X-Execution-Id")
			}
			if c.status >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("Content-Type = %q", res.Header.Get("Content-Type"))
			}
			if c.check != nil {
				var v any
				if err := json.Unmarshal(b, &v); err != nil {
					t.Fatalf("body %s: %v", b, err)
				}
				m, _ := v.(map[string]any)
				if arr, ok := v.([]any); ok && len(arr) > 0 {
					m, _ = arr[0].(map[string]any)
				}
				c.check(t, m, res.Header)
			}
		})
	}
}

func TestDuplicateOperation(t *testing.T) {
	t.Parallel()
	_, err := simple.Compile(map[string]endpoint.RunnerWithSpec{
		"b-proc": {Runner: echo, Spec: op("get", "Customer")},
		"a-proc": {Runner: echo, Spec: op("get", "Customer")},
	}, endpoint.Options{})
	if err == nil || !strings.Contains(err.Error(), `operation "getCustomer" is declared by processes "a-proc" and "b-proc"`) {
		t.Fatalf("err = %v", err)
	}
}
