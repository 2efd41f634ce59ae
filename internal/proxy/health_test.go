package proxy_test

import (
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/proxy"
)

// eventually polls cond until it holds or 10s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 10s: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestActiveHealthCheckEjectsAndRecovers(t *testing.T) {
	t.Parallel()
	var sick atomic.Bool
	var checks atomic.Int64
	a := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" {
			checks.Add(1)
			if sick.Load() {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			return
		}
		_, _ = w.Write([]byte("a"))
	})
	b := newOrigin(t, named("b"))
	gw, _ := gateway(t, &model.ProxySpec{
		Targets: targets(a.URL+"/ignored-base", b.URL),
		HealthCheck: &model.ProxyHealthCheck{Path: "/health", Interval: model.Duration(20 * time.Millisecond),
			Timeout: model.Duration(5 * time.Second), HealthyThreshold: 2, UnhealthyThreshold: 2},
	})
	if got := count(t, gw+root, 4); got["a"] != 2 || got["b"] != 2 {
		t.Fatalf("both healthy: %v", got)
	}
	sick.Store(true)
	eventually(t, "a taken out of rotation", func() bool { return count(t, gw+root, 4)["b"] == 4 })
	sick.Store(false)
	eventually(t, "a back in rotation", func() bool { return count(t, gw+root, 4)["a"] == 2 })
	if checks.Load() < 4 {
		t.Errorf("only %d health checks", checks.Load())
	}
}

func TestAllTargetsUnhealthyIs503WithRetryAfter(t *testing.T) {
	t.Parallel()
	a := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	gw, _ := gateway(t, &model.ProxySpec{
		Targets: targets(a.URL),
		HealthCheck: &model.ProxyHealthCheck{Path: "/health", Interval: model.Duration(20 * time.Millisecond),
			UnhealthyThreshold: 1},
	})
	var last answer
	eventually(t, "503 once the only target is unhealthy", func() bool {
		last = do(t, "GET", gw+root+"/x", nil)
		return last.status == http.StatusServiceUnavailable
	})
	if last.header.Get("Retry-After") != "1" || last.header.Get("Content-Type") != "application/problem+json" ||
		!strings.Contains(last.body, "no target") {
		t.Errorf("503: %v %s", last.header, last.body)
	}
}

func TestPassiveEjection(t *testing.T) {
	t.Parallel()
	b := newOrigin(t, named("b"))
	gw, _ := gateway(t, &model.ProxySpec{
		Targets:       targets(refusedURL(t), b.URL),
		PassiveHealth: &model.ProxyPassiveHealth{ConsecutiveFailures: 2, EjectFor: model.Duration(time.Hour)},
	})
	got := count(t, gw+root, 12)
	// Round robin sends 2 calls to the dead target before it is ejected.
	if got["502"] != 2 || got["b"] != 10 {
		t.Errorf("with passive ejection: %v", got)
	}
}

func TestRetriesOnlyIdempotentRequests(t *testing.T) {
	t.Parallel()
	b := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 64)
		n, _ := r.Body.Read(buf)
		_, _ = w.Write([]byte("b:" + string(buf[:n])))
	})
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(refusedURL(t), b.URL), Retries: &model.ProxyRetries{Attempts: 1}})
	for i := range 6 {
		if a := do(t, "PUT", gw+root, strings.NewReader("doc")); a.status != 200 || a.body != "b:doc" {
			t.Fatalf("PUT %d: %d %s", i, a.status, a.body)
		}
		if a := do(t, "GET", gw+root, nil); a.status != 200 {
			t.Fatalf("GET %d: %d %s", i, a.status, a.body)
		}
	}
	got := map[int]int{}
	for range 6 {
		got[do(t, "POST", gw+root, strings.NewReader("x")).status]++
	}
	if got[502] != 3 || got[200] != 3 {
		t.Errorf("POST is not retried, so half fail: %v", got)
	}
}

func TestCircuitBreaker(t *testing.T) {
	t.Parallel()
	var failing atomic.Bool
	failing.Store(true)
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	})
	gw, _ := gateway(t, &model.ProxySpec{
		Targets:        targets(o.URL),
		CircuitBreaker: &model.ProxyCircuitBreaker{FailureThreshold: 3, OpenFor: model.Duration(time.Second)},
	})
	for range 3 {
		if a := do(t, "GET", gw+root, nil); a.status != 503 || a.header.Get("Content-Type") == "application/problem+json" {
			t.Fatalf("the upstream's own 503 passes through: %d %v", a.status, a.header)
		}
	}
	a := do(t, "GET", gw+root, nil)
	if a.status != 503 || a.header.Get("Retry-After") != "1" || !strings.Contains(a.body, "circuit breaker") {
		t.Errorf("open breaker: %d %v %s", a.status, a.header, a.body)
	}
	if o.hits.Load() != 3 {
		t.Errorf("the open breaker let calls through: %d", o.hits.Load())
	}
	failing.Store(false)
	eventually(t, "the breaker closes after a good trial call", func() bool {
		return do(t, "GET", gw+root, nil).status == 200
	})
	if a := do(t, "GET", gw+root, nil); a.status != 200 {
		t.Errorf("closed again: %d", a.status)
	}
}

func TestCloseStopsHealthChecks(t *testing.T) {
	o := newOrigin(t, named("a"))
	before := runtime.NumGoroutine()
	up, err := proxy.NewUpstream(&model.ProxySpec{
		BasePath: "b", Version: "v1", Targets: targets(o.URL, o.URL+"/x", o.URL+"/y"),
		HealthCheck: &model.ProxyHealthCheck{Path: "/health", Interval: model.Duration(5 * time.Millisecond)},
	}, proxy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the checks are running", func() bool { return o.hits.Load() >= 6 })
	if runtime.NumGoroutine() < before+3 {
		t.Errorf("%d goroutines, want at least %d", runtime.NumGoroutine(), before+3)
	}
	up.Close()
	eventually(t, "goroutines back to where they were", func() bool { return runtime.NumGoroutine() <= before })
	// A check cancelled by Close may still reach the origin a moment later.
	time.Sleep(20 * time.Millisecond)
	hits := o.hits.Load()
	time.Sleep(50 * time.Millisecond)
	if o.hits.Load() != hits {
		t.Errorf("checks went on after Close: %d then %d", hits, o.hits.Load())
	}
}
