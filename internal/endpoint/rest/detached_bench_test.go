package rest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portico-dev/portico/internal/endpoint/rest"
	"github.com/portico-dev/portico/internal/execution"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// BenchmarkRESTMaxWaitInTime: a request with X-Max-Wait whose process ends
// in time, the overhead of detaching and capturing over BenchmarkRESTEcho.
func BenchmarkRESTMaxWaitInTime(b *testing.B) {
	rep := &reports{recs: map[string]*model.Execution{}, got: make(chan *model.Execution, 1)}
	d, err := execution.NewDispatcher(execution.DispatcherConfig{Reporter: rep})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close(context.Background())
	idEcho := runFunc(func(_ context.Context, in process.Input) (*process.Result, error) {
		return &process.Result{Documents: []any{map[string]any{"id": in.Props["param_id"]}}}, nil
	})
	a, err := rest.Compile(&model.APISpec{BasePath: "sales", Version: "v1", Endpoints: []model.Endpoint{
		{Method: "GET", Path: "/customers/{id}", Process: "echo"},
	}}, map[string]rest.RunnerWithSpec{"echo": proc(idEcho, nil)}, rest.Options{Async: d.Bind(nil)})
	if err != nil {
		b.Fatal(err)
	}
	h := rest.NewRouter([]*rest.API{a})
	req := httptest.NewRequest("GET", "/ws/rest/sales/v1/customers/42", nil)
	req.Header.Set("X-Max-Wait", "10000")
	w := &discard{h: http.Header{}}
	h.ServeHTTP(w, req)
	if w.h.Get("Content-Length") != "12" {
		b.Fatalf("unexpected answer: %v", w.h)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}
