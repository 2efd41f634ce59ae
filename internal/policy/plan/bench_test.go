package plan

import (
	"net/http"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/policy/ratelimit"
)

// nopWriter is a ResponseWriter that keeps one header map, as a server's
// response does per request, and discards the rest.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkKeyedCheck measures the policy for a request with an API key,
// counted locally: hash the key, find the application and its
// subscription, the counter decisions, the RateLimit-* headers. The
// sub-benchmarks separate the key lookup from the two counters.
func BenchmarkKeyedCheck(b *testing.B) {
	rate := &model.PlanRate{Requests: 1 << 30, Per: "hour"}
	quota := &model.PlanQuota{Requests: 1 << 39, Per: "month"}
	for _, bc := range []struct {
		name string
		spec model.PlanSpec
	}{
		{"rate+quota", model.PlanSpec{Rate: rate, Quota: quota}},
		{"rate", model.PlanSpec{Rate: rate}},
		{"key-only", model.PlanSpec{}},
	} {
		b.Run(bc.name, func(b *testing.B) { benchCheck(b, bc.spec) })
	}
}

func benchCheck(b *testing.B, spec model.PlanSpec) {
	snap := &model.Snapshot{
		Plans: []model.Plan{{Name: "gold", Spec: spec}},
		Applications: []model.Application{{Name: "shop",
			Spec: model.ApplicationSpec{Subscriptions: []model.Subscription{{API: "erp", Plan: "gold"}}},
			Keys: []model.APIKey{apiKey(shopKey)}}},
	}
	p, err := Compile(snap, ratelimit.NewLocal(nil), ratelimit.NewLocalCounter(nil), nil)
	if err != nil {
		b.Fatal(err)
	}
	ok := 0
	h := p.Wrap("erp", "v1", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ok++ }))
	r, _ := http.NewRequest("GET", "http://x/erp/v1/customers", nil)
	r.Header.Set("X-API-Key", shopKey)
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
	if ok != b.N {
		b.Fatalf("%d of %d requests admitted", ok, b.N)
	}
}
