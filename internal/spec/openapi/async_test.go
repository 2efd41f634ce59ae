package openapi

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/portico-dev/portico/internal/model"
)

// TestAsyncEndpointDocuments202: an async endpoint documents its 202 with
// the status link and its X-Callback-Url header, in a valid document.
func TestAsyncEndpointDocuments202(t *testing.T) {
	t.Parallel()
	api := &model.APISpec{BasePath: "jobs", Version: "v1", Endpoints: []model.Endpoint{
		{Method: "POST", Path: "/run", Process: "job"},
		{Method: "POST", Path: "/submit", Process: "job", Async: &model.EndpointAsync{Webhook: "https://hooks.example.com/x"}},
	}}
	doc, err := Generate(Input{API: api, APIName: "jobs", Processes: map[string]*model.ProcessSpec{"job": {}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := loaded.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	submit := loaded.Paths.Value("/submit").Post
	acc := submit.Responses.Status(202)
	if acc == nil || acc.Value.Headers["Location"] == nil || acc.Value.Headers["X-Execution-Status-Link"] == nil {
		t.Fatalf("async endpoint: 202 = %+v", acc)
	}
	if p := submit.Parameters.GetByInAndName("header", "X-Callback-Url"); p == nil {
		t.Error("async endpoint: no X-Callback-Url parameter")
	}
	if run := loaded.Paths.Value("/run").Post; run.Responses.Status(202) != nil {
		t.Error("a synchronous endpoint documents a 202")
	}
}
