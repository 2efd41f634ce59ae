package compile_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime/compile"
)

const slowYAML = `
kind: Connection
name: db
spec:
  type: database
  database:
    driver: sqlite
    dsn: "file:%s"
---
kind: Process
name: slow
spec:
  steps:
    - query:
        connection: db
        sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS n FROM c"
    - return: {}
---
kind: Process
name: fill
spec:
  steps:
    - exec:
        connection: db
        sql: "CREATE TABLE IF NOT EXISTS filled (x INTEGER)"
    - exec:
        connection: db
        sql: "INSERT INTO filled WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT x FROM c"
    - return: {}
---
kind: Process
name: count
spec:
  steps:
    - exec:
        connection: db
        sql: "CREATE TABLE IF NOT EXISTS filled (x INTEGER)"
    - query:
        connection: db
        sql: "SELECT count(*) AS n FROM filled"
    - return: {}
---
kind: API
name: slow
spec:
  basePath: slow
  version: v1
  endpoints:
    - {method: GET, path: /wait, process: slow}
    - {method: POST, path: /fill, process: fill, input: none}
    - {method: GET, path: /count, process: count}
`

// limitedSnapshot deploys erp and hr (echo endpoints) and slow (a query
// that runs for minutes unless cancelled) with the given limits.
func limitedSnapshot(t *testing.T, rev int64, lims *model.LimitsSpec) *model.Snapshot {
	t.Helper()
	snap := twoAPIs(t, rev)
	slow := snapshotOf(t, rev, model.Ref{Kind: model.KindAPI, Name: "slow"}, fmt.Sprintf(slowYAML, t.TempDir()+"/slow.db"))
	snap.Deployments = append(snap.Deployments, slow.Deployments...)
	snap.Spec.Limits = lims
	env := model.Environment{Name: "dev", Spec: snap.Spec}
	if err := env.Validate(); err != nil {
		t.Fatalf("the test's limits are invalid: %v", err)
	}
	return snap
}

func TestEnvironmentAndAPIRateLimits(t *testing.T) {
	t.Parallel()
	rt, _ := startSecured(t, limitedSnapshot(t, 1, &model.LimitsSpec{
		RequestsPerSecond: 1000, APIs: []model.APILimit{{API: "erp", RequestsPerSecond: 2}},
	}))
	base := "http://" + rt.Addr()
	for i := range 2 {
		a := get(t, http.DefaultClient, base+"/ws/rest/erp/v1/whoami")
		wantStatus(t, a, 200, "")
		if a.header.Get("RateLimit-Limit") == "" {
			t.Fatalf("request %d: no RateLimit-Limit header", i)
		}
	}
	a := get(t, http.DefaultClient, base+"/ws/rest/erp/v1/whoami")
	wantStatus(t, a, 429, "the rate limit of API erp")
	if a.header.Get("Retry-After") == "" || a.header.Get("RateLimit-Remaining") != "0" {
		t.Fatalf("429 headers: %v", a.header)
	}
	// Another API is not limited by erp's rate.
	wantStatus(t, get(t, http.DefaultClient, base+"/ws/rest/hr/v1/whoami"), 200, "")
}

func TestEnvironmentRateLimitCoversEveryAPI(t *testing.T) {
	t.Parallel()
	rt, _ := startSecured(t, limitedSnapshot(t, 1, &model.LimitsSpec{RequestsPerSecond: 1}))
	base := "http://" + rt.Addr()
	wantStatus(t, get(t, http.DefaultClient, base+"/ws/rest/erp/v1/whoami"), 200, "")
	wantStatus(t, get(t, http.DefaultClient, base+"/ws/rest/hr/v1/whoami"), 429, "the environment's rate limit")
}

func TestBodyLimitRefusesLargeAndChunkedBodies(t *testing.T) {
	t.Parallel()
	rt, _ := startSecured(t, limitedSnapshot(t, 1, &model.LimitsSpec{MaxBodyBytes: 64}))
	url := "http://" + rt.Addr() + "/ws/rest/erp/v1/whoami"
	req, _ := http.NewRequest("POST", url, strings.NewReader(strings.Repeat("x", 65)))
	wantStatus(t, do(t, http.DefaultClient, req), 413, "larger than the limit of 64 bytes")
}

func TestExecutionTimeLimitAnswers522(t *testing.T) {
	t.Parallel()
	rt, _ := startSecured(t, limitedSnapshot(t, 1, &model.LimitsSpec{ExecutionTimeLimit: model.Duration(200 * time.Millisecond)}))
	a := get(t, http.DefaultClient, "http://"+rt.Addr()+"/ws/rest/slow/v1/wait")
	wantStatus(t, a, 522, "time limit")
	if a.header.Get("X-Execution-Id") == "" {
		t.Error("no X-Execution-Id on the 522")
	}
	// A write cut by the limit is rolled back: not one row stays.
	req, _ := http.NewRequest("POST", "http://"+rt.Addr()+"/ws/rest/slow/v1/fill", nil)
	wantStatus(t, do(t, http.DefaultClient, req), 522, "time limit")
	wantStatus(t, get(t, http.DefaultClient, "http://"+rt.Addr()+"/ws/rest/slow/v1/count"), 200, `"n":0`)
}

func TestListenerConcurrencyAnswers503WhenFull(t *testing.T) {
	t.Parallel()
	rt, _ := startSecured(t, limitedSnapshot(t, 1, &model.LimitsSpec{
		MaxConcurrent: 1, ExecutionTimeLimit: model.Duration(2 * time.Second),
	}))
	base := "http://" + rt.Addr()
	var wg sync.WaitGroup
	wg.Go(func() { get(t, http.DefaultClient, base+"/ws/rest/slow/v1/wait") })
	deadline := time.Now().Add(2 * time.Second)
	for {
		a := get(t, http.DefaultClient, base+"/ws/rest/erp/v1/whoami")
		if a.status == 503 {
			if a.header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a second request while one runs got %d, want 503", a.status)
		}
		time.Sleep(10 * time.Millisecond)
	}
	wg.Wait()
	wantStatus(t, get(t, http.DefaultClient, base+"/ws/rest/erp/v1/whoami"), 200, "")
}

func TestPlansApplyToSubscribedAPIs(t *testing.T) {
	t.Parallel()
	snap := limitedSnapshot(t, 1, nil)
	sum := sha256.Sum256([]byte("pk_gold_key"))
	snap.Plans = []model.Plan{{Name: "gold", Spec: model.PlanSpec{Rate: &model.PlanRate{Requests: 1, Per: "minute"}}}}
	snap.Applications = []model.Application{{Name: "crm", Spec: model.ApplicationSpec{
		Subscriptions: []model.Subscription{{API: "erp", Plan: "gold"}},
	}, Keys: []model.APIKey{{ID: "k1", Prefix: "pk_gold", Hash: hex.EncodeToString(sum[:])}}}}
	rt, _ := startSecured(t, snap)
	base := "http://" + rt.Addr()
	wantStatus(t, get(t, http.DefaultClient, base+"/ws/rest/erp/v1/whoami"), 401, "")
	wantStatus(t, get(t, http.DefaultClient, base+"/ws/rest/erp/v1/whoami", "X-API-Key", "pk_gold_key"), 200, "")
	wantStatus(t, get(t, http.DefaultClient, base+"/ws/rest/erp/v1/whoami", "X-API-Key", "pk_gold_key"), 429, "")
	// hr has no subscription: plans do not govern it.
	wantStatus(t, get(t, http.DefaultClient, base+"/ws/rest/hr/v1/whoami"), 200, "")
}

func TestDedicatedPoolKeepsOneAPIFromStarvingTheOthers(t *testing.T) {
	t.Parallel()
	c, err := compile.New(compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	snap := limitedSnapshot(t, 1, &model.LimitsSpec{
		ExecutionTimeLimit: model.Duration(2 * time.Second),
		Pools: []model.PoolSpec{
			{Name: "slow", APIs: []string{"slow"}, MaxRunning: 1},
			{Name: "shared", MaxRunning: 8, MaxQueued: 8},
		},
	})
	compiled, err := c.Compile(context.Background(), snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer compiled.Close()
	srv := httptest.NewServer(compiled.Handler())
	defer srv.Close()
	var wg sync.WaitGroup
	wg.Go(func() { get(t, http.DefaultClient, srv.URL+"/ws/rest/slow/v1/wait") })
	deadline := time.Now().Add(2 * time.Second)
	for c.PoolStats()[0].Running == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the slow request never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The slow API's one worker is busy: its next caller is refused.
	a := get(t, http.DefaultClient, srv.URL+"/ws/rest/slow/v1/count")
	wantStatus(t, a, 503, "pool is busy")
	if a.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	// Meanwhile the shared pool serves the other APIs.
	wantStatus(t, get(t, http.DefaultClient, srv.URL+"/ws/rest/erp/v1/whoami"), 200, "")
	stats := c.PoolStats()
	if len(stats) != 2 || stats[0].Name != "pool:slow" || stats[0].Rejected == 0 {
		t.Errorf("pool figures %+v", stats)
	}
	wg.Wait()
}

// TestApplicationKeysOnAnAPIKeyListener: on a listener that authenticates
// with X-API-Key, a consumer's token and an application's key both get in;
// the application's plan then governs the key, and neither reaches the
// process.
func TestApplicationKeysOnAnAPIKeyListener(t *testing.T) {
	t.Parallel()
	snap := limitedSnapshot(t, 1, nil)
	snap.Spec.Security = &model.SecuritySpec{Listeners: []model.ListenerSpec{
		{Name: "keys", Address: "127.0.0.1:0", Authentication: model.ListenerAuthSpec{Type: model.AuthAPIKey}},
	}}
	snap.Consumers = []model.Consumer{{Name: "ada", TokenHashes: []string{tokenHash("ada-key")}}}
	sum := sha256.Sum256([]byte("pk_app_key"))
	snap.Plans = []model.Plan{{Name: "one", Spec: model.PlanSpec{Rate: &model.PlanRate{Requests: 1, Per: "minute"}}}}
	snap.Applications = []model.Application{{Name: "crm", Spec: model.ApplicationSpec{
		Subscriptions: []model.Subscription{{API: "hr", Plan: "one"}},
	}, Keys: []model.APIKey{{ID: "k1", Prefix: "pk_app", Hash: hex.EncodeToString(sum[:])}}}}
	rt, _ := startSecured(t, snap)
	base := "http://" + listenerAddr(t, rt, "keys")

	a := get(t, http.DefaultClient, base+"/ws/rest/erp/v1/whoami", "X-API-Key", "ada-key")
	wantStatus(t, a, 200, "")
	wantUser(t, a, "ada")
	a = get(t, http.DefaultClient, base+"/ws/rest/hr/v1/whoami", "X-API-Key", "pk_app_key")
	wantStatus(t, a, 200, "")
	if echoed(t, a)["Key"] != "-" {
		t.Errorf("the application's key reached the process: %v", echoed(t, a))
	}
	wantStatus(t, get(t, http.DefaultClient, base+"/ws/rest/hr/v1/whoami", "X-API-Key", "pk_app_key"), 429, "")
	wantStatus(t, get(t, http.DefaultClient, base+"/ws/rest/hr/v1/whoami", "X-API-Key", "nobody's"), 401, "")
}

// TestRefusalsSpeakTheStyleOfThePath: a refusal by the layers in front of
// the styles is a SOAP Fault on SOAP paths and an OData error on OData
// paths, with its status and headers kept.
func TestRefusalsSpeakTheStyleOfThePath(t *testing.T) {
	t.Parallel()
	rt, _ := startSecured(t, limitedSnapshot(t, 1, &model.LimitsSpec{RequestsPerSecond: 1}))
	base := "http://" + rt.Addr()
	get(t, http.DefaultClient, base+"/ws/rest/erp/v1/whoami") // spends the second's request

	a := get(t, http.DefaultClient, base+"/ws/soap/erp/v1")
	if a.status != 429 || !strings.Contains(a.header.Get("Content-Type"), "text/xml") ||
		!strings.Contains(a.body, "<soap:Fault>") || a.header.Get("Retry-After") == "" {
		t.Errorf("SOAP 1.1 refusal: %d %v %s", a.status, a.header, a.body)
	}
	a = get(t, http.DefaultClient, base+"/ws/soap12/erp/v1")
	if a.status != 429 || !strings.Contains(a.body, "<soap:Value>soap:Sender</soap:Value>") {
		t.Errorf("SOAP 1.2 refusal: %d %s", a.status, a.body)
	}
	a = get(t, http.DefaultClient, base+"/ws/odata/erp/v1/")
	if a.status != 429 || !strings.Contains(a.body, `"error":{"code":`) || a.header.Get("Retry-After") == "" {
		t.Errorf("OData refusal: %d %v %s", a.status, a.header, a.body)
	}
	a = get(t, http.DefaultClient, base+"/ws/rest/erp/v1/whoami")
	if a.status != 429 || a.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("REST refusal: %d %v", a.status, a.header)
	}
}

// TestTimeLimitLeavesProxiesAlone: the execution time limit cuts processes,
// not a proxied answer that takes longer (a download, a stream).
func TestTimeLimitLeavesProxiesAlone(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		_, _ = w.Write([]byte("slow but whole"))
	}))
	defer upstream.Close()
	snap := limitedSnapshot(t, 1, &model.LimitsSpec{ExecutionTimeLimit: model.Duration(100 * time.Millisecond)})
	proxy := snapshotOf(t, 1, model.Ref{Kind: model.KindProxy, Name: "files"}, fmt.Sprintf(`
kind: Proxy
name: files
spec:
  basePath: files
  version: v1
  targets: [{url: %q}]
`, upstream.URL))
	snap.Deployments = append(snap.Deployments, proxy.Deployments...)
	rt, _ := startSecured(t, snap)
	a := get(t, http.DefaultClient, "http://"+rt.Addr()+"/ws/proxy/files/v1/big")
	wantStatus(t, a, 200, "slow but whole")
	wantStatus(t, get(t, http.DefaultClient, "http://"+rt.Addr()+"/ws/rest/slow/v1/wait"), 522, "time limit")
}
