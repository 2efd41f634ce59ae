package e2e

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestProxyThroughServe deploys a proxy with `portico serve` as a user
// would: apply (with an OpenAPI document imported from a file next to the
// manifest), package, deploy; then calls the upstream through the gateway,
// under /ws/proxy and under the proxy's own prefix, and reads its docs.
func TestProxyThroughServe(t *testing.T) {
	t.Parallel()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		out := "origin " + r.Method + " " + r.URL.RequestURI() + " prefix=" + r.Header.Get("X-Forwarded-Prefix")
		if b, _ := io.ReadAll(r.Body); len(b) > 0 {
			out += " body=" + string(b)
		}
		_, _ = io.WriteString(w, out)
	}))
	defer origin.Close()

	dir := t.TempDir()
	manifest := filepath.Join(dir, "billing.yaml")
	if err := os.WriteFile(filepath.Join(dir, "billing-openapi.yaml"), []byte(
		"openapi: 3.0.3\ninfo: {title: Billing upstream, version: '2.1'}\npaths:\n  /invoices:\n    get: {responses: {'200': {description: ok}}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(manifest, []byte(`kind: Proxy
name: billing
spec:
  basePath: billing
  version: v1
  pathPrefix: /billing
  targets:
    - url: `+origin.URL+`/api
  openapiFrom: billing-openapi.yaml
`), 0o644); err != nil {
		t.Fatal(err)
	}

	srv := startServer(t, baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword),
		"--listen", "127.0.0.1:0", "--gateway-listen", "127.0.0.1:0", "--data", t.TempDir())
	m := serveRuntimeRE.FindStringSubmatch(srv.Stdout())
	if m == nil {
		t.Fatalf("serve did not print the runtime's address:\n%s", srv.Stdout())
	}
	gw := m[1]
	waitReady(t, gw, "the first snapshot", func(r readiness) bool { return r.Ready })
	admin := newUser(t, srv.URL)
	if r := admin.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	contains(t, "apply", admin.ok("apply", "-f", manifest), "proxy/billing created")
	contains(t, "get -o yaml", admin.ok("get", "proxy", "billing", "-o", "yaml"), "title: Billing upstream")
	admin.ok("package", "billing", "--version", "1.0.0")
	_, before := probe(t, gw+"/readyz")
	admin.ok("deploy", "billing@1.0.0", "--env", "dev")
	waitReady(t, gw, "the deploy", func(r readiness) bool { return r.Revision > before.Revision })

	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(gw + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for path, want := range map[string]string{
		"/ws/proxy/billing/v1/invoices?open=1": "origin GET /api/invoices?open=1 prefix=/ws/proxy/billing/v1",
		"/billing/invoices":                    "origin GET /api/invoices prefix=/billing",
	} {
		if code, body := get(path); code != 200 || body != want {
			t.Errorf("GET %s: %d %q, want %q", path, code, body, want)
		}
	}
	if code, body := get("/ws/proxy/billing/v1/openapi.json"); code != 200 || !strings.Contains(body, "Billing upstream") ||
		!strings.Contains(body, gw+"/ws/proxy/billing/v1") {
		t.Errorf("openapi.json: %d %s", code, body)
	}
	if code, _ := get("/ws/proxy/billing/v1/docs"); code != 200 {
		t.Errorf("docs: %d", code)
	}
	if code, body := get("/nothing/here"); code != 404 || !strings.Contains(body, "no route") {
		t.Errorf("GET /nothing/here: %d %s", code, body)
	}

	// HTTP/2 from clients, on a TLS listener of the environment: both the
	// lean path (a GET) and the streamed one (a POST with a body).
	admin.ok("apply", "-f", writeTemp(t, "env.yaml", `kind: Environment
name: dev
spec:
  security:
    listeners:
      - name: edge
        address: 127.0.0.1:0
        tls: {selfSigned: true}
`))
	edge := waitListener(t, gw, "edge")
	h2 := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: true},
		Timeout: 20 * time.Second}
	for _, c := range []struct {
		method, path, body, want string
	}{
		{http.MethodGet, "/billing/invoices?open=1", "", "origin GET /api/invoices?open=1 prefix=/billing"},
		{http.MethodPost, "/ws/proxy/billing/v1/invoices", "a new invoice", "origin POST /api/invoices prefix=/ws/proxy/billing/v1 body=a new invoice"},
	} {
		req, _ := http.NewRequest(c.method, "https://"+edge+c.path, strings.NewReader(c.body))
		resp, err := h2.Do(req)
		if err != nil {
			t.Fatalf("%s %s over HTTP/2: %v", c.method, c.path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != 2 || resp.StatusCode != 200 || string(b) != c.want {
			t.Errorf("%s %s: %s %d %q, want HTTP/2 200 %q", c.method, c.path, resp.Proto, resp.StatusCode, b, c.want)
		}
	}
}
