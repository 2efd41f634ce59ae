package rest_test

import (
	"net/http/httptest"
	"testing"

	"github.com/portico-dev/portico/internal/endpoint/rest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// The endpoints run the real engine as well as the in-test runners: path
// and query properties reach jq, set and fail steps shape the answer.
func TestWithEngine(t *testing.T) {
	t.Parallel()
	specs := map[string]*model.ProcessSpec{
		"get":     {Steps: []model.Step{{Map: &model.MapStep{JQ: `{id: ($props.param_id|tonumber), q: $props.query_q, n: .n}`}}}},
		"missing": {Steps: []model.Step{{Fail: &model.FailStep{Status: 404, Code: "NOPE", Message: "no such thing"}}}},
		"create": {Steps: []model.Step{
			{Set: &model.SetStep{Properties: map[string]string{"outstatuscode": "201", "outheader_Location": `"/ws/rest/e/v1/things/" + (.id|tostring)`}}},
		}},
	}
	procs := map[string]rest.RunnerWithSpec{}
	for name, spec := range specs {
		p, err := process.Compile(name, spec, nil)
		if err != nil {
			t.Fatal(err)
		}
		procs[name] = rest.RunnerWithSpec{Runner: p, Spec: spec}
	}
	api, err := rest.Compile(&model.APISpec{BasePath: "e", Version: "v1", Endpoints: []model.Endpoint{
		{Method: "POST", Path: "/things/{id}", Process: "get"},
		{Method: "GET", Path: "/missing", Process: "missing"},
		{Method: "POST", Path: "/things", Process: "create"},
	}}, procs, rest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rest.NewRouter([]*rest.API{api}))
	t.Cleanup(srv.Close)
	ctJSON := map[string]string{"Content-Type": "application/json"}

	a := do(t, "POST", srv.URL+"/ws/rest/e/v1/things/12?q=x", ctJSON, `{"n":1.5}`, false)
	if a.status != 200 || string(a.body) != `{"id":12,"n":1.5,"q":"x"}`+"\n" {
		t.Errorf("map: %d %s", a.status, a.body)
	}
	a = do(t, "GET", srv.URL+"/ws/rest/e/v1/missing", nil, "", false)
	if code, _ := at(a.body, "/code"); a.status != 404 || code != "NOPE" {
		t.Errorf("fail: %d %s", a.status, a.body)
	}
	a = do(t, "POST", srv.URL+"/ws/rest/e/v1/things", ctJSON, `{"id":3}`, false)
	if a.status != 201 || a.header.Get("Location") != "/ws/rest/e/v1/things/3" {
		t.Errorf("set: %d %v %s", a.status, a.header, a.body)
	}
}
