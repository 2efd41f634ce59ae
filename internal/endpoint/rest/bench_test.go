package rest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portico-dev/portico/internal/endpoint/rest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// discard is a ResponseWriter that keeps nothing but its header map, so
// that the benchmark measures the endpoint layer, not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkRESTEcho: GET with a path parameter, through the router (three
// APIs) and the API's mux, to a runner that answers {"id": param_id}.
func BenchmarkRESTEcho(b *testing.B) {
	idEcho := runFunc(func(_ context.Context, in process.Input) (*process.Result, error) {
		return &process.Result{Documents: []any{map[string]any{"id": in.Props["param_id"]}}}, nil
	})
	var apis []*rest.API
	for _, base := range []string{"shop", "sales", "sales/crm"} {
		a, err := rest.Compile(&model.APISpec{BasePath: base, Version: "v1", Endpoints: []model.Endpoint{
			{Method: "GET", Path: "/customers/{id}", Process: "echo"},
			{Method: "GET", Path: "/customers/search", Process: "echo"},
			{Method: "POST", Path: "/customers", Process: "echo"},
		}}, map[string]rest.RunnerWithSpec{"echo": proc(idEcho, nil)}, rest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		apis = append(apis, a)
	}
	h := rest.NewRouter(apis)
	req := httptest.NewRequest("GET", "/ws/rest/sales/crm/v1/customers/42", nil)
	w := &discard{h: http.Header{}}
	h.ServeHTTP(w, req)
	if w.h.Get("Content-Length") != "12" { // {"id":"42"}\n
		b.Fatalf("unexpected answer: %v", w.h)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}
