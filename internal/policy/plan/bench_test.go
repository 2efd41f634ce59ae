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

// BenchmarkKeyedCheck measures the policy for a request with an API key
// under a plan with a rate limit and a quota, counted locally: hash the
// key, find the application and its subscription, two counter decisions,
// the RateLimit-* headers.
func BenchmarkKeyedCheck(b *testing.B) {
	snap := &model.Snapshot{
		Plans: []model.Plan{{Name: "gold", Spec: model.PlanSpec{
			Rate:  &model.PlanRate{Requests: 1 << 30, Per: "hour"},
			Quota: &model.PlanQuota{Requests: 1 << 39, Per: "month"},
		}}},
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
