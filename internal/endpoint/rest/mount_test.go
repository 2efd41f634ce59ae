package rest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/endpoint/rest"
	"github.com/portico-dev/portico/internal/model"
)

func TestMountServesBesideEndpointsAndNeverShadowsThem(t *testing.T) {
	t.Parallel()
	api, err := rest.Compile(&model.APISpec{BasePath: "erp", Version: "v1", Endpoints: []model.Endpoint{
		{Method: "GET", Path: "/customers/{id}", Process: "p"},
		{Method: "GET", Path: "/docs", Process: "p"}, // the API's own endpoint wins
	}}, map[string]rest.RunnerWithSpec{"p": proc(echo, nil)}, rest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	contract := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("contract")) })
	err = api.Mount([]string{"GET /ws/rest/erp/v1/openapi.json", "GET /ws/rest/erp/v1/docs"}, contract)
	if err == nil || !strings.Contains(err.Error(), "GET /ws/rest/erp/v1/docs") {
		t.Fatalf("Mount = %v, want an error naming the shadowed docs pattern", err)
	}
	srv := httptest.NewServer(rest.NewRouter([]*rest.API{api}))
	defer srv.Close()

	a := do(t, "GET", srv.URL+"/ws/rest/erp/v1/openapi.json", nil, "", false)
	if a.status != 200 || string(a.body) != "contract" || a.header.Get("X-Execution-Id") != "" {
		t.Errorf("openapi.json = %d %q (execution id %q), want the mounted handler without an execution", a.status, a.body, a.header.Get("X-Execution-Id"))
	}
	a = do(t, "GET", srv.URL+"/ws/rest/erp/v1/docs", nil, "", false)
	if a.status != 200 || string(a.body) == "contract" || a.header.Get("X-Execution-Id") == "" {
		t.Errorf("docs = %d %q, want the API's own endpoint", a.status, a.body)
	}
	a = do(t, "GET", srv.URL+"/ws/rest/erp/v1/customers/7", nil, "", false)
	if a.status != 200 || !strings.Contains(string(a.body), `"param_id":"7"`) {
		t.Errorf("endpoint = %d %s", a.status, a.body)
	}
}
