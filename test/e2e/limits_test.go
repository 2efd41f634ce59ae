package e2e

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRateLimitExactAcrossThreeRuntimesWithRedis: three runtime processes
// sharing Redis admit, together, what the environment's per-API limit
// allows — the rate over the measured window plus one burst, within 1 % —
// however the load spreads over them.
func TestRateLimitExactAcrossThreeRuntimesWithRedis(t *testing.T) {
	t.Parallel()
	redisURL := os.Getenv("PORTICO_TEST_REDIS")
	if redisURL == "" {
		t.Skip("PORTICO_TEST_REDIS is not set (e.g. redis://127.0.0.1:6379/0): the cluster rate-limit test is skipped")
	}
	srv := startServer(t, baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword), "--listen", "127.0.0.1:0", "--data", t.TempDir())
	admin := newUser(t, srv.URL)
	if r := admin.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	// An environment of this run's own: its counters in Redis are too.
	env := "lim-" + strings.ToLower(rand.Text()[:10])
	const rate = 100
	admin.ok("apply", "-f", writeTemp(t, "env.yaml", fmt.Sprintf(`kind: Environment
name: %s
spec:
  limits:
    apiRequestsPerSecond: %d
`, env, rate)))
	admin.ok("apply", "-f", "testdata/erp.yaml")
	admin.ok("package", "erp", "--version", "1.0.0")
	admin.ok("deploy", "erp@1.0.0", "--env", env)
	token := tokenFrom(t, admin.ok("token", "create", "--name", "rt", "--role", "runtime"))

	var urls []string
	for range 3 {
		rt := startVerb(t, "runtime", regexpRuntime(env), 60*time.Second,
			baseEnv(t, "PORTICO_TOKEN="+token, "PORTICO_CONTROL_PLANE="+srv.URL, "PORTICO_ENV="+env, "PORTICO_REDIS="+redisURL), "--data", t.TempDir())
		contains(t, "runtime banner", rt.Stdout(), "shared limits: redis://")
		waitReady(t, rt.URL, "the deployment", func(r readiness) bool { return r.Ready && r.Revision > 1 })
		urls = append(urls, rt.URL+"/ws/rest/erp/v1/openapi.json")
	}

	var admitted, limited, other atomic.Int64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	start := time.Now()
	stop := start.Add(4 * time.Second)
	var wg sync.WaitGroup
	for i := range 6 {
		u := urls[i%3]
		wg.Go(func() {
			for time.Now().Before(stop) {
				resp, err := client.Get(u)
				if err != nil {
					other.Add(1)
					continue
				}
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
					admitted.Add(1)
				case http.StatusTooManyRequests:
					limited.Add(1)
				default:
					other.Add(1)
				}
			}
		})
	}
	wg.Wait()
	window := time.Since(start)
	want := float64(rate)*window.Seconds() + rate // the rate over the window, plus the burst
	got := float64(admitted.Load())
	t.Logf("three runtimes admitted %.0f and refused %d in %s at %d/s cluster-wide (expected %.0f)", got, limited.Load(), window.Round(time.Millisecond), rate, want)
	if other.Load() > 0 {
		t.Errorf("%d answers were neither 200 nor 429", other.Load())
	}
	if limited.Load() == 0 {
		t.Fatal("the load never reached the limit: nothing to measure")
	}
	if got < want*0.99-2 || got > want*1.01+2 {
		t.Errorf("admitted %.0f, want %.0f ± 1%%", got, want)
	}
}

// regexpRuntime matches the banner of `portico runtime` for env.
func regexpRuntime(env string) *regexp.Regexp {
	return regexp.MustCompile(`Portico runtime \(environment ` + regexp.QuoteMeta(env) + `\) listening on (http://\S+)`)
}
