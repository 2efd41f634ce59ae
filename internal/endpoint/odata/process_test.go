package odata_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/odata"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// recorder is a process that keeps what it was given and answers docs.
type recorder struct {
	mu   sync.Mutex
	in   process.Input
	docs []any
}

func (r *recorder) Run(_ context.Context, in process.Input) (*process.Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.in = in
	return &process.Result{Documents: r.docs, Props: map[string]any{"odata_count": 42}}, nil
}

func (r *recorder) prop(name string) any {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, _ := json.Marshal(r.in.Props[name])
	var v any
	_ = json.Unmarshal(b, &v)
	return v
}

func TestProcessBackedSet(t *testing.T) {
	t.Parallel()
	f := false
	api := &model.APISpec{BasePath: "things", Version: "v1", OData: &model.ODataSpec{EntitySets: []model.ODataEntitySet{{
		Name: "Things", Process: "things", Key: []string{"id"},
		Properties: []model.ODataProperty{{Name: "id", Type: "Edm.Int32", Nullable: &f}, {Name: "name", Type: "Edm.String"}},
	}}}}
	if err := api.Validate(); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{docs: []any{map[string]any{"id": 1, "name": "a"}, map[string]any{"id": 2, "name": "b"}}}
	svc, err := odata.Compile(odata.Input{Name: "things", API: api,
		Procs: map[string]endpoint.RunnerWithSpec{"things": {Runner: rec, Spec: &model.ProcessSpec{}}}}, endpoint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(odata.NewRouter(odata.DefaultPrefix, []*odata.Service{svc}))
	defer srv.Close()
	root := srv.URL + "/ws/odata/things/v1/"

	r := do(t, "GET", root+"Things?$filter=name%20eq%20'a''b'%20and%20id%20gt%201&$top=2&$orderby=name%20desc&$count=true", "")
	if r.status != 200 || r.json["@odata.count"] != 42.0 || len(ids(r, "id")) != 2 {
		t.Fatalf("GET = %d %s", r.status, r.body)
	}
	want := map[string]any{
		"skip": 0.0, "top": 2.0, "count": true,
		"filter": map[string]any{"op": "and",
			"left":  map[string]any{"op": "eq", "left": map[string]any{"property": "name"}, "right": map[string]any{"literal": "a'b", "type": "Edm.String"}},
			"right": map[string]any{"op": "gt", "left": map[string]any{"property": "id"}, "right": map[string]any{"literal": 1.0, "type": "Edm.Int64"}}},
		"orderby": []any{map[string]any{"expr": map[string]any{"property": "name"}, "desc": true}},
	}
	if got := rec.prop("odata_query"); !reflect.DeepEqual(got, want) {
		t.Errorf("odata_query = %v\nwant %v", got, want)
	}
	if rec.prop("odata_set") != "Things" || rec.prop("inmethod") != "GET" {
		t.Errorf("properties %v", rec.in.Props)
	}

	r = do(t, "GET", root+"Things(7)", "")
	if r.status != 200 || r.json["name"] != "a" || !reflect.DeepEqual(rec.prop("odata_key"), map[string]any{"id": 7.0}) {
		t.Errorf("GET by key = %d %s, key %v", r.status, r.body, rec.prop("odata_key"))
	}
	r = do(t, "POST", root+"Things", `{"id":3,"name":"c"}`)
	if r.status != 201 || len(rec.in.Documents) != 1 || rec.in.Documents[0].(map[string]any)["id"] != 3 {
		t.Errorf("POST = %d %s, input %v", r.status, r.body, rec.in.Documents)
	}
	if r = do(t, "POST", root+"Things", `{"id":"x"}`); r.status != 400 {
		t.Errorf("POST of a wrong type reached the process: %d", r.status)
	}
	if r = do(t, "DELETE", root+"Things(3)", ""); r.status != 204 || rec.prop("inmethod") != "DELETE" {
		t.Errorf("DELETE = %d", r.status)
	}
	if r = do(t, "GET", root+"Things/$count", ""); r.status != 501 {
		t.Errorf("$count of a process-backed set = %d, want 501", r.status)
	}
}
