package rest_test

import (
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/endpoint/rest"
	"github.com/portico-dev/portico/internal/model"
)

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	procs := map[string]rest.RunnerWithSpec{"echo": proc(echo, nil)}
	cases := []struct {
		name      string
		endpoints []model.Endpoint
		want      string
	}{
		{"missing process", []model.Endpoint{{Method: "GET", Path: "/a", Process: "ghost"}}, `GET /a: process "ghost" is not compiled`},
		{"overlapping routes", []model.Endpoint{
			{Method: "GET", Path: "/a/{x}/b", Process: "echo"},
			{Method: "GET", Path: "/a/b/{y}", Process: "echo"},
		}, "conflicts with pattern"},
		{"remote ref in profile", []model.Endpoint{{Method: "POST", Path: "/a", Process: "echo",
			RequestProfile: model.Schema{"$ref": "https://example.com/customer.json"}}},
			"profile references a schema outside its document: https://example.com/customer.json"},
		{"file ref in profile", []model.Endpoint{{Method: "POST", Path: "/a", Process: "echo",
			RequestProfile: model.Schema{"$ref": "file:///etc/passwd"}}}, "outside its document"},
		{"relative ref in profile", []model.Endpoint{{Method: "POST", Path: "/a", Process: "echo",
			RequestProfile: model.Schema{"$ref": "other.json#/x"}}}, "outside its document"},
		{"invalid profile", []model.Endpoint{{Method: "POST", Path: "/a", Process: "echo",
			RequestProfile: model.Schema{"type": "thing"}}}, "not a valid JSON Schema"},
		{"bad body type", []model.Endpoint{{Method: "POST", Path: "/a", Process: "echo", Input: "yaml"}}, `"yaml" is not a body type`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := rest.Compile(&model.APISpec{BasePath: "x", Version: "v1", Endpoints: c.endpoints}, procs, rest.Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

// A profile that only refers inside itself compiles and validates.
func TestLocalRefCompiles(t *testing.T) {
	t.Parallel()
	_, err := rest.Compile(&model.APISpec{BasePath: "x", Version: "v1", Endpoints: []model.Endpoint{{
		Method: "POST", Path: "/a", Process: "echo",
		RequestProfile: model.Schema{
			"$defs": map[string]any{"id": map[string]any{"type": "integer"}},
			"type":  "object", "properties": map[string]any{"id": map[string]any{"$ref": "#/$defs/id"}},
		},
	}}}, map[string]rest.RunnerWithSpec{"echo": proc(echo, nil)}, rest.Options{})
	if err != nil {
		t.Fatal(err)
	}
}
