package e2e

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestQueueSurvivesKillOnPostgres: two control planes and three runtimes
// over one PostgreSQL schema. Async requests are spread over the runtimes,
// each slow (an HTTP step to a server that answers after 3 s); one runtime
// is killed with SIGKILL while it runs the work it accepted, and clients
// that cannot reach it retry on another. Every accepted execution ends
// COMPLETE with its webhook delivered: the work the dead runtime held is
// claimed from the durable queue by another runtime once its lease passes,
// and its record names the runtime that ran it.
func TestQueueSurvivesKillOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("PORTICO_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("PORTICO_TEST_POSTGRES is not set (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable): the queue kill test is skipped")
	}
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"job":"done"}`)
	}))
	t.Cleanup(slow.Close)
	var (
		mu    sync.Mutex
		hooks = map[string]string{} // webhook-id → data.status
	)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p struct {
			Data struct {
				Status string `json:"status"`
			} `json:"data"`
		}
		_ = json.Unmarshal(b, &p)
		mu.Lock()
		hooks[r.Header.Get("webhook-id")] = p.Data.Status
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(recv.Close)

	storeURL := freshSchema(t, dsn)
	raw := make([]byte, 32)
	rand.Read(raw)
	cpEnv := baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword, "PORTICO_STORE="+storeURL,
		"PORTICO_SECRET_KEY="+base64.StdEncoding.EncodeToString(raw), "PORTICO_WEBHOOK_RETRY_MIN=200ms", "PORTICO_WEBHOOK_INTERVAL=100ms")
	a := startServer(t, cpEnv, "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--gateway-listen", "off")
	b := startServer(t, cpEnv, "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--gateway-listen", "off")
	admin := newUser(t, a.URL)
	if r := admin.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	apiToken := tokenFrom(t, admin.ok("token", "create", "--name", "poll", "--role", "admin"))
	file := filepath.Join(t.TempDir(), "jobs.yaml")
	if err := os.WriteFile(file, []byte(asyncManifest(slow.URL, recv.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	admin.ok("apply", "-f", file)
	admin.ok("package", "jobs", "--version", "1.0.0")
	admin.ok("deploy", "jobs@1.0.0", "--env", "dev")
	token := tokenFrom(t, admin.ok("token", "create", "--name", "rt", "--role", "runtime"))
	var rts []*server
	for _, cp := range []string{a.URL, b.URL, a.URL} {
		rt := startRuntimeProcess(t, baseEnv(t, "PORTICO_TOKEN="+token, "PORTICO_CONTROL_PLANE="+cp, "PORTICO_ENV=dev"), "--data", t.TempDir())
		waitRouted(t, rt.URL)
		rts = append(rts, rt)
	}
	victim := rts[0]
	dead := false

	// submit sends one async request to runtime i, retrying on the next
	// runtimes when one cannot be reached or cannot accept it (503), as a
	// client behind a load balancer would; it returns the accepted id and
	// the runtime that accepted it.
	submit := func(i int) (string, int) {
		for k := range 2 * len(rts) {
			j := (i + k) % len(rts)
			if dead && rts[j] == victim {
				continue
			}
			resp, err := http.Post(rts[j].URL+"/ws/rest/jobs/v1/submit", "", nil)
			if err != nil {
				continue
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusAccepted {
				return resp.Header.Get("X-Execution-Id"), j
			}
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("submit to runtime %d: %d", j, resp.StatusCode)
			}
		}
		t.Fatal("no runtime accepted the request")
		return "", 0
	}
	accepted := map[string]int{}
	for i := range 12 {
		id, j := submit(i)
		accepted[id] = j
	}
	// Each runtime claimed at once what it accepted, and holds it for 3 s.
	victimRuntime := ""
	for id, j := range accepted {
		if rts[j] != victim {
			continue
		}
		x := getExecution(t, b.URL, apiToken, id)
		if x["status"] != "INPROCESS" {
			t.Fatalf("execution %s on the victim before the kill: %v", id, x)
		}
		victimRuntime, _ = x["runtime"].(string)
	}
	if victimRuntime == "" {
		t.Fatal("the victim runtime accepted nothing")
	}
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-victim.exited
	dead = true
	killed := time.Now()
	// Under load after the kill: more requests, the victim's share retried
	// elsewhere.
	for i := range 6 {
		id, j := submit(i)
		accepted[id] = j
	}

	deadline := time.Now().Add(60 * time.Second)
	for id, j := range accepted {
		var x map[string]any
		for {
			x = getExecution(t, b.URL, apiToken, id)
			if x["status"] != "INPROCESS" || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if x["status"] != "COMPLETE" {
			t.Errorf("execution %s (accepted by runtime %d): %v, want COMPLETE", id, j, x["status"])
			continue
		}
		if rts[j] == victim && x["runtime"] == victimRuntime {
			t.Errorf("execution %s of the killed runtime says it ran there: %v", id, x)
		}
	}
	t.Logf("every accepted execution ended COMPLETE %s after the kill", time.Since(killed).Round(100*time.Millisecond))
	for {
		mu.Lock()
		missing := []string{}
		for id := range accepted {
			if hooks["msg_"+id] != "COMPLETE" {
				missing = append(missing, id)
			}
		}
		mu.Unlock()
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhooks not delivered (or not COMPLETE) for %v", missing)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// Without a control plane no async work is accepted: it could not be
	// made durable. The client is told to come back.
	for _, cp := range []*server{a, b} {
		cp.stop(syscall.SIGTERM)
	}
	resp, err := http.Post(rts[1].URL+"/ws/rest/jobs/v1/submit", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("async request without a control plane: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// getExecution reads an execution record through the platform API.
func getExecution(t *testing.T, cp, token, id string) map[string]any {
	t.Helper()
	code, body := do(t, "GET", cp+"/api/v1/executions/"+id, http.Header{"Authorization": {"Bearer " + token}}, "")
	if code != http.StatusOK {
		t.Fatalf("GET execution %s: %d %s", id, code, body)
	}
	var x map[string]any
	if err := json.Unmarshal(body, &x); err != nil {
		t.Fatal(err)
	}
	return x
}
