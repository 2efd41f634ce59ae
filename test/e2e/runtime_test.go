package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var (
	serveRuntimeRE = regexp.MustCompile(`runtime \(environment dev\) listening on (http://\S+)`)
	runtimeRE      = regexp.MustCompile(`Portico runtime \(environment dev\) listening on (http://\S+)`)
)

// readiness is the body of /readyz (200) or its problem (503).
type readiness struct {
	Ready       bool   `json:"ready"`
	Revision    int64  `json:"revision"`
	From        string `json:"from"`
	Connected   bool   `json:"connected"`
	LastError   string `json:"lastError"`
	SourceError string `json:"sourceError"`
}

// probe fetches a health check of the runtime at url.
func probe(t *testing.T, url string) (int, readiness) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var r readiness
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("GET %s: %d %q is not JSON", url, resp.StatusCode, b)
	}
	return resp.StatusCode, r
}

// waitReady polls /readyz of the runtime at base until ok holds, for up to 30 s (a runtime retries at least every 10 s).
func waitReady(t *testing.T, base, what string, ok func(readiness) bool) readiness {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, r := probe(t, base+"/readyz")
		if code == http.StatusOK && ok(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: /readyz %d %+v", what, code, r)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startRuntimeProcess runs `portico runtime ARGS` and waits for its address.
func startRuntimeProcess(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	return startVerb(t, "runtime", runtimeRE, 60*time.Second, env, args...)
}

// deployERP applies, packages and deploys the sample API to dev.
func deployERP(t *testing.T, admin *user, version string) {
	t.Helper()
	admin.ok("apply", "-f", "testdata/erp.yaml")
	admin.ok("package", "erp", "--version", version)
	admin.ok("deploy", "erp@"+version, "--env", "dev")
}

// TestServeRunsARuntime: serve starts a runtime for dev that becomes ready,
// follows deployments and stops with the control plane.
func TestServeRunsARuntime(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	srv := startServer(t, baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword),
		"--listen", "127.0.0.1:0", "--gateway-listen", "127.0.0.1:0", "--data", data)
	m := serveRuntimeRE.FindStringSubmatch(srv.Stdout())
	if m == nil {
		t.Fatalf("serve did not print the runtime's address:\n%s", srv.Stdout())
	}
	gw := m[1]
	if strings.Contains(srv.Stdout(), "not part of this release") {
		t.Errorf("the banner still says the runtime is missing:\n%s", srv.Stdout())
	}
	if code, _ := probe(t, gw+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
	first := waitReady(t, gw, "the first snapshot", func(r readiness) bool { return r.Ready })
	if first.From != "control-plane" || !first.Connected || first.Revision < 1 {
		t.Errorf("/readyz: %+v", first)
	}

	admin := newUser(t, srv.URL)
	if r := admin.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	deployERP(t, admin, "1.0.0")
	waitReady(t, gw, "the deployment's revision", func(r readiness) bool { return r.Revision > first.Revision })

	resp, err := http.Get(gw + "/ws/rest/nowhere/v1/things")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" ||
		!strings.Contains(string(b), "/ws/rest/nowhere/v1/things") || resp.Header.Get("X-Execution-Id") == "" {
		t.Errorf("unknown route: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}

	if code := srv.stop(syscall.SIGTERM); code != 0 {
		t.Fatalf("serve exited %d on SIGTERM", code)
	}
	contains(t, "serve output", srv.Stdout(), "Portico runtime stopped", "Portico control plane stopped")
	// The runtime's token is revoked on the way out: a restart lists none.
	startServer(t, baseEnv(t), "--listen", strings.TrimPrefix(srv.URL, "http://"), "--data", data)
	tokens := admin.ok("get", "tokens")
	if n := strings.Count(tokens, "serve-runtime"); n != 1 {
		t.Errorf("want exactly the new run's runtime token, found %d:\n%s", n, tokens)
	}
}

// TestStandaloneRuntimeServesThroughOutages: a runtime started apart keeps
// answering when its control plane dies, starts from its disk cache while it
// is down, and follows it again once it is back.
func TestStandaloneRuntimeServesThroughOutages(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	srv := startServer(t, baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword), "--listen", "127.0.0.1:0", "--data", data)
	admin := newUser(t, srv.URL)
	if r := admin.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	token := tokenFrom(t, admin.ok("token", "create", "--name", "rt", "--role", "runtime"))

	rtData := t.TempDir()
	rtEnv := baseEnv(t, "PORTICO_TOKEN="+token, "PORTICO_CONTROL_PLANE="+srv.URL, "PORTICO_ENV=dev")
	rt := startRuntimeProcess(t, rtEnv, "--data", rtData)
	first := waitReady(t, rt.URL, "the first snapshot", func(r readiness) bool { return r.Ready })
	deployERP(t, admin, "1.0.0")
	deployed := waitReady(t, rt.URL, "the deployment", func(r readiness) bool { return r.Revision > first.Revision })

	// The control plane dies: the runtime keeps serving what it holds.
	_ = srv.cmd.Process.Kill()
	<-srv.exited
	down := waitReady(t, rt.URL, "the outage to show", func(r readiness) bool { return !r.Connected })
	if down.Revision != deployed.Revision || down.SourceError == "" {
		t.Errorf("/readyz while the control plane is down: %+v", down)
	}

	// Restarted while the control plane is still down: it serves from disk.
	if code := rt.stop(syscall.SIGTERM); code != 0 {
		t.Fatalf("runtime exited %d on SIGTERM", code)
	}
	contains(t, "runtime output", rt.Stdout(), "Portico runtime stopped")
	rt = startRuntimeProcess(t, rtEnv, "--data", rtData)
	cached := waitReady(t, rt.URL, "the cached snapshot", func(r readiness) bool { return r.Ready })
	if cached.From != "cache" || cached.Revision != deployed.Revision || cached.Connected {
		t.Errorf("/readyz after a restart without control plane: %+v", cached)
	}
	if code, _ := probe(t, rt.URL+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}

	// The control plane comes back on its address: the runtime follows it again.
	startServer(t, baseEnv(t), "--listen", strings.TrimPrefix(srv.URL, "http://"), "--data", data)
	waitReady(t, rt.URL, "the control plane to be back", func(r readiness) bool { return r.Connected })
	deployERPVersion(t, admin, "1.1.0")
	waitReady(t, rt.URL, "a deployment after the outage", func(r readiness) bool {
		return r.Revision > deployed.Revision && r.From == "control-plane"
	})
	if n := strings.Count(rt.Stderr(), "cannot fetch snapshots"); n > 1 {
		t.Errorf("one outage logged %d warnings:\n%s", n, rt.Stderr())
	}
}

// deployERPVersion packages the applied sample again and deploys it.
func deployERPVersion(t *testing.T, admin *user, version string) {
	t.Helper()
	admin.ok("package", "erp", "--version", version)
	admin.ok("deploy", "erp@"+version, "--env", "dev")
}
