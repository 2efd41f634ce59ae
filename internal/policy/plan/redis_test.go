package plan

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/policy/ratelimit"
)

// TestRedisExactAcrossRuntimes: three runtimes, each with its own Redis
// client and its own compiled policy, admit together exactly what the plan
// allows — for the rate limit and for the quota — under concurrent load.
func TestRedisExactAcrossRuntimes(t *testing.T) {
	url := os.Getenv("PORTICO_TEST_REDIS")
	if url == "" {
		t.Skip("PORTICO_TEST_REDIS is not set (e.g. redis://127.0.0.1:6379/0): the Redis plan test is skipped")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("PORTICO_TEST_REDIS: %v", err)
	}
	// A prefix no other test (or engineer) uses on the shared server.
	prefix := "portico-test-plan:" + rand.Text() + ":"
	t.Cleanup(func() {
		c := redis.NewClient(opts)
		defer c.Close()
		ctx := context.Background()
		if keys, _ := c.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			c.Del(ctx, keys...)
		}
	})
	const rate, quota = 25, 40
	snap := &model.Snapshot{
		Plans: []model.Plan{
			{Name: "hourly", Spec: model.PlanSpec{Rate: &model.PlanRate{Requests: rate, Per: "hour"}}},
			{Name: "daily", Spec: model.PlanSpec{Quota: &model.PlanQuota{Requests: quota, Per: "day"}}},
		},
		Applications: []model.Application{{Name: "shop",
			Spec: model.ApplicationSpec{Subscriptions: []model.Subscription{{API: "erp", Plan: "hourly"}, {API: "crm", Plan: "daily"}}},
			Keys: []model.APIKey{apiKey(shopKey)}}},
	}
	var handlers []map[string]http.Handler
	for range 3 {
		c := redis.NewClient(opts)
		t.Cleanup(func() { c.Close() })
		r := ratelimit.NewRedis(c, prefix, nil)
		p, err := Compile(snap, r, r, nil)
		if err != nil {
			t.Fatal(err)
		}
		handlers = append(handlers, map[string]http.Handler{"erp": p.Wrap("erp", "v1", echo), "crm": p.Wrap("crm", "v1", echo)})
	}
	for _, tc := range []struct {
		api  string
		want int
	}{{"erp", rate}, {"crm", quota}} {
		t.Run(tc.api, func(t *testing.T) {
			var (
				mu       sync.Mutex
				admitted int
				wg       sync.WaitGroup
			)
			for i := range 3 * tc.want {
				wg.Go(func() {
					r := httptest.NewRequest("GET", "/"+tc.api+"/v1/x", nil)
					r.Header.Set("X-API-Key", shopKey)
					w := httptest.NewRecorder()
					handlers[i%3][tc.api].ServeHTTP(w, r)
					switch w.Code {
					case 200:
						mu.Lock()
						admitted++
						mu.Unlock()
					case 429:
					default:
						t.Errorf("status %d: %s", w.Code, w.Body)
					}
				})
			}
			wg.Wait()
			if admitted != tc.want {
				t.Fatalf("three runtimes admitted %d, want exactly %d", admitted, tc.want)
			}
		})
	}
}

// TestRedisQuotaRollover: quota windows in Redis start again at midnight
// UTC, as the runtime's clock places them.
func TestRedisQuotaRollover(t *testing.T) {
	url := os.Getenv("PORTICO_TEST_REDIS")
	if url == "" {
		t.Skip("PORTICO_TEST_REDIS is not set (e.g. redis://127.0.0.1:6379/0): the Redis plan test is skipped")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("PORTICO_TEST_REDIS: %v", err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	prefix := "portico-test-plan:" + rand.Text() + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := c.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			c.Del(ctx, keys...)
		}
	})
	clk := &clock{t: epoch} // 23:59 UTC
	r := ratelimit.NewRedis(c, prefix, clk.now)
	p, err := Compile(testSnapshot(), r, r, nil, WithClock(clk.now))
	if err != nil {
		t.Fatal(err)
	}
	h := p.Wrap("crm", "v1", echo)
	call := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/crm/v1/x", nil)
		req.Header.Set("X-API-Key", crmKey)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	for i := range 2 {
		if w := call(); w.Code != 200 {
			t.Fatalf("request %d = %d", i+1, w.Code)
		}
	}
	if w := call(); w.Code != 429 || w.Header().Get("Retry-After") != "60" {
		t.Fatalf("over the quota = %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	clk.set(epoch.Add(time.Minute))
	if w := call(); w.Code != 200 || w.Header().Get("RateLimit-Remaining") != "1" {
		t.Fatalf("after midnight = %d %v", w.Code, w.Header())
	}
}
