package e2e

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestScaleOutOnPostgres runs two control planes over one PostgreSQL schema
// (one without a runtime of its own) and four runtimes (the one embedded in
// serve, three standalone spread over both control planes): a deploy through one control plane reaches every
// runtime within a second, since the other control plane's long-polls wake
// on PostgreSQL NOTIFY; rollback through the other control plane too; every
// runtime is listed with the revision it serves; and with both control
// planes stopped the runtimes keep serving.
func TestScaleOutOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("PORTICO_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("PORTICO_TEST_POSTGRES is not set (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable): the scale-out test is skipped")
	}
	storeURL := freshSchema(t, dsn)
	// Control planes sharing a store share the key that seals secrets.
	raw := make([]byte, 32)
	rand.Read(raw)
	key := base64.StdEncoding.EncodeToString(raw)
	cpEnv := baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword, "PORTICO_STORE="+storeURL, "PORTICO_SECRET_KEY="+key)
	a := startServer(t, cpEnv, "--listen", "127.0.0.1:0", "--data", t.TempDir())
	// The second control plane runs alone, as replicas do.
	b := startServer(t, cpEnv, "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--gateway-listen", "off")
	contains(t, "serve output", b.Stdout(), "runtime: off")
	adminA, adminB := newUser(t, a.URL), newUser(t, b.URL)
	for _, u := range []*user{adminA, adminB} {
		if r := u.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin"); r.code != 0 {
			t.Fatalf("login: %s", r.stderr)
		}
	}
	token := tokenFrom(t, adminA.ok("token", "create", "--name", "rt", "--role", "runtime"))
	runtimes := []string{gatewayOf(t, a)}
	for _, cp := range []string{a.URL, b.URL, b.URL} {
		rt := startRuntimeProcess(t, baseEnv(t, "PORTICO_TOKEN="+token, "PORTICO_CONTROL_PLANE="+cp, "PORTICO_ENV=dev"), "--data", t.TempDir())
		runtimes = append(runtimes, rt.URL)
	}
	before := int64(0)
	for _, u := range runtimes {
		r := waitReady(t, u, "the first snapshot", func(r readiness) bool { return r.Ready })
		before = max(before, r.Revision)
	}

	deployERP(t, adminA, "1.0.0")
	deployed := time.Now()
	rev := waitAll(t, runtimes, func(r readiness) bool { return r.Revision > before })
	took := time.Since(deployed)
	t.Logf("a deploy through one control plane reached all %d runtimes in %s", len(runtimes), took)
	if took > time.Second {
		t.Errorf("the deploy took %s to reach every runtime, want at most 1s", took)
	}
	for _, u := range runtimes {
		if code, _ := do(t, "GET", u+"/ws/rest/erp/v1/openapi.json", nil, ""); code != http.StatusOK {
			t.Errorf("%s: GET the API's OpenAPI document: %d", u, code)
		}
	}

	// Both control planes list every runtime with the revision it serves.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var list []struct {
			ID       string `json:"id"`
			Status   string `json:"status"`
			Revision int64  `json:"revision"`
		}
		if err := json.Unmarshal([]byte(adminB.ok("runtimes", "--env", "dev", "-o", "json")), &list); err != nil {
			t.Fatal(err)
		}
		current := 0
		for _, r := range list {
			if r.Status == "online" && r.Revision == rev {
				current++
			}
		}
		if current == len(runtimes) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("runtimes listed: %+v, want %d online at revision %d", list, len(runtimes), rev)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// A rollback through the other control plane reaches them all too.
	deployERPVersion(t, adminA, "1.1.0")
	rev = waitAll(t, runtimes, func(r readiness) bool { return r.Revision > rev })
	adminB.ok("rollback", "erp", "--env", "dev")
	rolled := time.Now()
	waitAll(t, runtimes, func(r readiness) bool { return r.Revision > rev })
	t.Logf("a rollback through the other control plane reached all runtimes in %s", time.Since(rolled))

	// Without any control plane, every runtime keeps serving.
	for _, cp := range []*server{a, b} {
		if code := cp.stop(syscall.SIGTERM); code != 0 {
			t.Errorf("serve exited %d", code)
		}
	}
	for _, u := range runtimes[1:] {
		if code, _ := do(t, "GET", u+"/ws/rest/erp/v1/openapi.json", nil, ""); code != http.StatusOK {
			t.Errorf("%s without a control plane: GET the API's OpenAPI document: %d", u, code)
		}
	}
}

// waitAll waits until every runtime's /readyz satisfies ok and returns the
// revision they serve.
func waitAll(t *testing.T, runtimes []string, ok func(readiness) bool) int64 {
	t.Helper()
	var rev int64
	for _, u := range runtimes {
		r := waitReady(t, u, "a new snapshot at "+u, ok)
		rev = max(rev, r.Revision)
	}
	return rev
}

// gatewayOf is the address of the runtime serve started.
func gatewayOf(t *testing.T, s *server) string {
	t.Helper()
	m := serveRuntimeRE.FindStringSubmatch(s.Stdout())
	if m == nil {
		t.Fatalf("no runtime address in serve's output:\n%s", s.Stdout())
	}
	return m[1]
}
