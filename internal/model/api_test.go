package model_test

import (
	"slices"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestAPISpecValidate(t *testing.T) {
	t.Parallel()
	ep := func(method, path, process string) model.Endpoint {
		return model.Endpoint{Method: method, Path: path, Process: process}
	}
	api := func(eps ...model.Endpoint) *model.APISpec {
		return &model.APISpec{BasePath: "erp", Version: "v1", Endpoints: eps}
	}
	named := func(e model.Endpoint, name string) model.Endpoint { e.Name = name; return e }
	headers := func(e model.Endpoint, h ...string) model.Endpoint { e.Headers = h; return e }
	tests := []struct {
		name string
		spec *model.APISpec
		want []string
	}{
		{"one endpoint", api(ep("GET", "/customers", "list-customers")), nil},
		{"root path", api(ep("GET", "/", "index")), nil},
		{"crud", api(
			ep("GET", "/customers", "list-customers"),
			ep("POST", "/customers", "create-customer"),
			ep("GET", "/customers/{id}", "get-customer"),
			ep("PUT", "/customers/{id}", "update-customer"),
			ep("PATCH", "/customers/{id}", "update-customer"),
			ep("DELETE", "/customers/{id}", "delete-customer"),
			ep("HEAD", "/customers/{id}", "get-customer"),
			ep("OPTIONS", "/customers", "list-customers"),
			ep("GET", "/customers/{id}/orders/{orderId}", "get-order"),
			ep("GET", "/files/report.v2~1:x@y", "report"),
		), nil},
		{"nested base path and date version", &model.APISpec{BasePath: "sales/crm", Version: "2024-01",
			Endpoints: []model.Endpoint{ep("GET", "/x", "p")}}, nil},
		{"names and headers", api(
			named(headers(ep("GET", "/a", "p"), "X-Tenant", "Accept-Language"), "getA"),
			named(ep("GET", "/b", "p"), "getB"),
		), nil},

		{"bad base path", &model.APISpec{BasePath: "/erp", Version: "v1", Endpoints: []model.Endpoint{ep("GET", "/x", "p")}},
			[]string{"spec.basePath"}},
		{"bad version", &model.APISpec{BasePath: "erp", Version: "v 1", Endpoints: []model.Endpoint{ep("GET", "/x", "p")}},
			[]string{"spec.version"}},
		{"empty", &model.APISpec{}, []string{"spec.basePath", "spec.version", "spec.endpoints"}},
		{"lowercase method", api(ep("get", "/x", "p")), []string{"spec.endpoints[0].method"}},
		{"unknown method", api(ep("GET", "/x", "p"), ep("TRACE", "/y", "p")), []string{"spec.endpoints[1].method"}},
		{"path without slash", api(ep("GET", "x", "p")), []string{"spec.endpoints[0].path"}},
		{"path trailing slash", api(ep("GET", "/x/", "p")), []string{"spec.endpoints[0].path"}},
		{"path empty segment", api(ep("GET", "/x//y", "p")), []string{"spec.endpoints[0].path"}},
		{"path partial parameter", api(ep("GET", "/x/id{id}", "p")), []string{"spec.endpoints[0].path"}},
		{"path bad parameter name", api(ep("GET", "/x/{1id}", "p")), []string{"spec.endpoints[0].path"}},
		{"path repeated parameter", api(ep("GET", "/x/{id}/y/{id}", "p")), []string{"spec.endpoints[0].path"}},
		{"path bad character", api(ep("GET", "/x y", "p")), []string{"spec.endpoints[0].path"}},
		{"path percent", api(ep("GET", "/x%20y", "p")), []string{"spec.endpoints[0].path"}},
		{"path query string", api(ep("GET", "/x?y=1", "p")), []string{"spec.endpoints[0].path"}},
		{"duplicate route", api(ep("GET", "/a", "p"), ep("GET", "/b", "p"), ep("GET", "/a", "q")),
			[]string{"spec.endpoints[2].path"}},
		{"duplicate route by parameter shape", api(ep("GET", "/a/{id}", "p"), ep("GET", "/a/{key}", "q")),
			[]string{"spec.endpoints[1].path"}},
		{"same path other method is fine", api(ep("GET", "/a/{id}", "p"), ep("DELETE", "/a/{key}", "q")), nil},
		{"missing process", api(ep("GET", "/a", "")), []string{"spec.endpoints[0].process"}},
		{"bad process name", api(ep("GET", "/a", "get customer")), []string{"spec.endpoints[0].process"}},
		{"bad endpoint name", api(named(ep("GET", "/a", "p"), "get a")), []string{"spec.endpoints[0].name"}},
		{"duplicate endpoint name", api(named(ep("GET", "/a", "p"), "op"), named(ep("GET", "/b", "p"), "op")),
			[]string{"spec.endpoints[1].name"}},
		{"bad header name", api(headers(ep("GET", "/a", "p"), "X-Ok", "X Bad")), []string{"spec.endpoints[0].headers[1]"}},
		{"protected headers", api(headers(ep("GET", "/a", "p"), "host", "X-Forwarded-For", "proxy-authorization", "Connection", "Upgrade", "Via", "Proxy-Connection")),
			[]string{"spec.endpoints[0].headers[0]", "spec.endpoints[0].headers[1]", "spec.endpoints[0].headers[2]",
				"spec.endpoints[0].headers[3]", "spec.endpoints[0].headers[4]", "spec.endpoints[0].headers[5]", "spec.endpoints[0].headers[6]"}},
		{"every problem in one endpoint", api(ep("GET", "/a", "p"), ep("GET", "/b", "p"), named(headers(ep("FETCH", "b", ""), "Host"), "-x")),
			[]string{"spec.endpoints[2].method", "spec.endpoints[2].path", "spec.endpoints[2].process",
				"spec.endpoints[2].name", "spec.endpoints[2].headers[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPaths(t, tt.spec.Validate(), tt.want)
		})
	}
}

func TestAPISpecReferences(t *testing.T) {
	t.Parallel()
	s := &model.APISpec{Endpoints: []model.Endpoint{
		{Process: "zeta"}, {Process: "alpha"}, {Process: "zeta"}, {Process: ""}, {Process: "mid"},
	}}
	want := []model.Ref{{Kind: model.KindProcess, Name: "alpha"}, {Kind: model.KindProcess, Name: "mid"}, {Kind: model.KindProcess, Name: "zeta"}}
	if got := s.References(); !slices.Equal(got, want) {
		t.Fatalf("References() = %v, want %v", got, want)
	}
	if s.Kind() != model.KindAPI {
		t.Errorf("Kind() = %q", s.Kind())
	}
}
