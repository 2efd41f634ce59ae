package proxy_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/proxy"
)

// discard is a ResponseWriter that keeps nothing, so the benchmark measures
// the proxy, not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkProxyGET is the hot path of a plain proxy route: one GET
// forwarded to a loopback origin answering a small JSON body, as in the
// peer comparison (bench/proxy.sh). Allocations are the proxy's and the
// transport's; the origin's are in the same process and counted too.
func BenchmarkProxyGET(b *testing.B) {
	body := []byte(`{"id":42,"name":"Ada Lovelace","email":"ada@example.com","active":true}`)
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	defer o.Close()
	up, err := proxy.NewUpstream(&model.ProxySpec{BasePath: "bench", Version: "v1", Targets: targets(o.URL)}, proxy.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer up.Close()
	h := up.Handler("/ws/proxy/bench/v1", true)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest("GET", "/ws/proxy/bench/v1/customers/42", nil)
		req.RemoteAddr = "127.0.0.1:5555"
		w := &discard{h: http.Header{}}
		for pb.Next() {
			clear(w.h)
			h.ServeHTTP(w, req)
		}
	})
}
