package compile

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/policy"
)

func TestRouteTableKnowsEveryStyle(t *testing.T) {
	t.Parallel()
	dep := func(kind model.Kind, name string, spec model.Spec) model.SnapshotDeployment {
		ref := model.Ref{Kind: kind, Name: name}
		return model.SnapshotDeployment{
			Package:    model.Package{Component: ref, Version: "1.0.0"},
			Components: []model.Component{{Kind: kind, Name: name, Spec: spec}},
		}
	}
	snap := &model.Snapshot{Deployments: []model.SnapshotDeployment{
		dep(model.KindAPI, "erp", &model.APISpec{BasePath: "sales/erp", Version: "v1", Endpoints: []model.Endpoint{
			{Name: "getCustomer", Method: "GET", Path: "/customers/{id}", Process: "p", Roles: []string{"sales"}},
			{Method: "POST", Path: "/customers", Process: "p"},
			{Name: "root", Method: "GET", Path: "/", Process: "p"},
		}}),
		dep(model.KindAPI, "sales", &model.APISpec{BasePath: "sales", Version: "v1", SOAP: &model.SOAPSpec{}}),
		dep(model.KindProcess, "greet", &model.ProcessSpec{Operation: &model.ProcessOperation{Type: "get", Object: "Greeting"}}),
		dep(model.KindProxy, "legacy", &model.ProxySpec{BasePath: "legacy", Version: "v2", PathPrefix: "/ws/legacy/"}),
	}}
	for i := range snap.Deployments {
		c := &snap.Deployments[i].Components[0]
		snap.Deployments[i].Package.Component = c.Ref()
	}
	rt := newRouteTable(snap)
	for _, tc := range []struct {
		method, path string
		want         policy.Route
	}{
		{"GET", "/ws/rest/sales/erp/v1/customers/7", policy.Route{API: "erp", Endpoint: "getCustomer", Roles: []string{"sales"}}},
		{"HEAD", "/ws/rest/sales/erp/v1/customers/7", policy.Route{API: "erp", Endpoint: "getCustomer", Roles: []string{"sales"}}},
		{"POST", "/ws/rest/sales/erp/v1/customers", policy.Route{API: "erp", Endpoint: "POST /customers"}},
		{"GET", "/ws/rest/sales/erp/v1/", policy.Route{API: "erp", Endpoint: "root"}},
		{"GET", "/ws/rest/sales/erp/v1/openapi.json", policy.Route{API: "erp"}},
		{"DELETE", "/ws/rest/sales/erp/v1/customers/7", policy.Route{API: "erp"}},
		{"POST", "/ws/soap/sales/v1", policy.Route{API: "sales"}},
		{"POST", "/ws/soap12/sales/v1", policy.Route{API: "sales"}},
		{"GET", "/ws/odata/sales/v1/$metadata", policy.Route{API: "sales"}},
		{"GET", "/ws/rest/sales/v1/x", policy.Route{API: "sales"}},
		{"GET", "/ws/simple/getGreeting", policy.Route{API: "greet"}},
		{"GET", "/ws/simple/getGreetings", policy.Route{}},
		{"GET", "/ws/proxy/legacy/v2/any/thing", policy.Route{API: "legacy"}},
		{"GET", "/ws/legacy/any", policy.Route{API: "legacy"}},
		{"GET", "/ws/rest/sales/erpx/v1/customers/7", policy.Route{}},
		{"GET", "/ws/rest/SALES/erp/v1/customers/7", policy.Route{}},
	} {
		got := rt.Route(httptest.NewRequest(tc.method, "http://x"+tc.path, nil))
		if got.API != tc.want.API || got.Endpoint != tc.want.Endpoint || len(got.Roles) != len(tc.want.Roles) {
			t.Errorf("%s %s = %+v, want %+v", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestJWKSFetchersFollowTheSnapshots(t *testing.T) {
	t.Parallel()
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"keys":[]}`)) }))
	defer idp.Close()
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	snap := func(rev int64, url string) *model.Snapshot {
		return &model.Snapshot{Environment: "dev", Revision: rev, Spec: model.EnvironmentSpec{Security: &model.SecuritySpec{Listeners: []model.ListenerSpec{{
			Name: "sso", Address: ":0", Authentication: model.ListenerAuthSpec{Type: model.AuthJWT, JWT: &model.JWTSpec{
				Issuer: "https://idp", Audiences: []string{"a"}, JWKSURL: url}},
		}}}}}
	}
	ctx := context.Background()
	first, err := c.Compile(ctx, snap(1, idp.URL), nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.Compile(ctx, snap(2, idp.URL), first)
	if err != nil {
		t.Fatal(err)
	}
	if n := c.jwks.Len(); n != 1 {
		t.Fatalf("%d fetchers for one provider, want 1 shared", n)
	}
	first.Close()
	<-first.Released()
	if n := c.jwks.Len(); n != 1 {
		t.Fatal("the fetcher stopped while a snapshot still uses it")
	}
	third, err := c.Compile(ctx, snap(3, idp.URL+"/other"), second)
	if err != nil {
		t.Fatal(err)
	}
	second.Close()
	<-second.Released()
	if n := c.jwks.Len(); n != 1 {
		t.Fatalf("%d fetchers after the provider changed, want only the new one", n)
	}
	third.Close()
	<-third.Released()
	if n := c.jwks.Len(); n != 0 {
		t.Fatalf("%d fetchers left with no snapshot", n)
	}
}
