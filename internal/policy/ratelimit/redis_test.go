package ratelimit

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisClients returns n separate clients of the Redis server named by
// PORTICO_TEST_REDIS, as n runtimes would hold, and a key prefix no other
// test uses.
func redisClients(t *testing.T, n int) ([]*redis.Client, string) {
	t.Helper()
	url := os.Getenv("PORTICO_TEST_REDIS")
	if url == "" {
		t.Skip("PORTICO_TEST_REDIS is not set (e.g. redis://127.0.0.1:6379/0): the Redis rate-limit tests are skipped")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("PORTICO_TEST_REDIS: %v", err)
	}
	var out []*redis.Client
	for range n {
		c := redis.NewClient(opts)
		t.Cleanup(func() { c.Close() })
		out = append(out, c)
	}
	if err := out[0].Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis at %s: %v", url, err)
	}
	prefix := "portico-test:" + rand.Text() + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := out[0].Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			out[0].Del(ctx, keys...)
		}
	})
	return out, prefix
}

func TestRedisBurstThenRefusal(t *testing.T) {
	clients, prefix := redisClients(t, 1)
	r := NewRedis(clients[0], prefix, nil)
	ctx := context.Background()
	lim := Limit{Rate: 1, Period: time.Hour, Burst: 3}
	for i := range 3 {
		d, err := r.Allow(ctx, "k", lim)
		if err != nil || !d.Allowed || d.Remaining != 2-i {
			t.Fatalf("request %d: %+v %v", i, d, err)
		}
	}
	d, err := r.Allow(ctx, "k", lim)
	if err != nil || d.Allowed {
		t.Fatalf("fourth request: %+v %v, want refused", d, err)
	}
	if d.RetryAfter < 59*time.Minute || d.RetryAfter > time.Hour {
		t.Fatalf("retry after %s, want about an hour", d.RetryAfter)
	}
	if d.ResetAfter < 2*time.Hour || d.ResetAfter > 3*time.Hour {
		t.Fatalf("reset after %s, want about 3h", d.ResetAfter)
	}
}

// TestRedisExactAcrossRuntimes has three runtimes (three clients) offer 900
// requests at once against a burst of 300: Redis admits exactly 300, what a
// single runtime would.
func TestRedisExactAcrossRuntimes(t *testing.T) {
	clients, prefix := redisClients(t, 3)
	lim := Limit{Rate: 1, Period: time.Hour, Burst: 300}
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for _, c := range clients {
		r := NewRedis(c, prefix, nil)
		for range 3 {
			wg.Go(func() {
				for range 100 {
					d, err := r.Allow(context.Background(), "api", lim)
					if err != nil {
						t.Error(err)
						return
					}
					if d.Allowed {
						admitted.Add(1)
					}
				}
			})
		}
	}
	wg.Wait()
	if admitted.Load() != 300 {
		t.Fatalf("three runtimes admitted %d, want exactly 300", admitted.Load())
	}
}

// TestRedisRateAcrossRuntimes measures the admitted rate of three runtimes
// offering more than the limit for two seconds on Redis's clock.
func TestRedisRateAcrossRuntimes(t *testing.T) {
	if testing.Short() {
		t.Skip("measures for two seconds")
	}
	clients, prefix := redisClients(t, 3)
	lim := Limit{Rate: 200, Period: time.Second, Burst: 20}
	var admitted atomic.Int64
	stop := time.Now().Add(2 * time.Second)
	var wg sync.WaitGroup
	for _, c := range clients {
		r := NewRedis(c, prefix, nil)
		wg.Go(func() {
			for time.Now().Before(stop) {
				if d, err := r.Allow(context.Background(), "api", lim); err == nil && d.Allowed {
					admitted.Add(1)
				}
			}
		})
	}
	wg.Wait()
	// 2 s at 200/s is 400, plus at most the burst of 20 admitted at once.
	// More would be a limit that leaks; fewer than 1% under the rate a limit
	// that is too strict (the burst absorbs the clients' scheduling gaps).
	if n := admitted.Load(); n < 396 || n > 424 {
		t.Fatalf("admitted %d in 2 s at 200/s (burst 20) across three runtimes, want 400 to 420 ± 1%%", n)
	}
}

func TestRedisQuotaAcrossRuntimesAndRollover(t *testing.T) {
	clients, prefix := redisClients(t, 3)
	c := newClock(time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC))
	quota := Quota{Max: 50, Window: Month}
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for _, cl := range clients {
		r := NewRedis(cl, prefix, c.now)
		wg.Go(func() {
			for range 40 {
				if d, err := r.Take(context.Background(), "app", quota); err == nil && d.Allowed {
					admitted.Add(1)
				} else if err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if admitted.Load() != 50 {
		t.Fatalf("admitted %d of 120, want exactly 50", admitted.Load())
	}
	r := NewRedis(clients[0], prefix, c.now)
	d, _ := r.Take(context.Background(), "app", quota)
	if d.Allowed || d.RetryAfter != time.Minute {
		t.Fatalf("over the quota: %+v, want refused until the month ends in 1m", d)
	}
	c.set(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if d, err := r.Take(context.Background(), "app", quota); err != nil || !d.Allowed || d.Remaining != 49 {
		t.Fatalf("first request of December: %+v %v", d, err)
	}
}

func TestFallbackWhenRedisFails(t *testing.T) {
	redis.SetLogger(quietLogger{})
	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	defer dead.Close()
	var failures atomic.Int64
	onFailure := func(error) { failures.Add(1) }
	ctx := context.Background()

	local := &localBoth{NewLocal(nil), NewLocalCounter(nil)}
	f := &Fallback{Shared: NewRedis(dead, "", nil), Local: local, OnFailure: onFailure}
	if d, err := f.Allow(ctx, "k", PerSecond(1)); err != nil || !d.Allowed {
		t.Fatalf("fallback to local: %+v %v", d, err)
	}
	if d, err := f.Allow(ctx, "k", PerSecond(1)); err != nil || d.Allowed {
		t.Fatalf("the local limiter does not limit: %+v %v", d, err)
	}
	if d, err := f.Take(ctx, "k", Quota{Max: 1, Window: Day}); err != nil || !d.Allowed {
		t.Fatalf("quota fallback: %+v %v", d, err)
	}

	refuse := &Fallback{Shared: NewRedis(dead, "", nil), OnFailure: onFailure}
	if _, err := refuse.Allow(ctx, "k", PerSecond(1)); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("refusing fallback: %v, want ErrUnavailable", err)
	}
	if failures.Load() != 4 {
		t.Fatalf("%d failures reported, want 4", failures.Load())
	}
}

type localBoth struct {
	*Local
	*LocalCounter
}

func BenchmarkRedisAllow(b *testing.B) {
	url := os.Getenv("PORTICO_TEST_REDIS")
	if url == "" {
		b.Skip("PORTICO_TEST_REDIS is not set")
	}
	opts, _ := redis.ParseURL(url)
	c := redis.NewClient(opts)
	defer c.Close()
	r := NewRedis(c, "portico-bench:"+rand.Text()+":", nil)
	lim := Limit{Rate: 1 << 16, Period: time.Second}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Allow(context.Background(), "k", lim); err != nil {
			b.Fatal(err)
		}
	}
}

// quietLogger keeps go-redis's dial failures, expected here, out of the test output.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}
