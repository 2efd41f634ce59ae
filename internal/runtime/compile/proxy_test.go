package compile_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime/compile"
)

const proxyYAML = `
kind: Proxy
name: billing
spec:
  basePath: billing
  version: v1
  pathPrefix: /billing
  targets:
    - url: %s/base
  healthCheck:
    path: /health
    interval: 10ms
  openapi:
    openapi: 3.0.3
    info: {title: Billing, version: "1.0"}
    servers: [{url: "https://billing.internal"}]
    paths:
      /invoices:
        get: {responses: {"200": {description: the invoices}}}
`

func TestProxyIsServedWithItsDocsAndStopsWithItsSnapshot(t *testing.T) {
	var healthChecks atomic.Int64
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" {
			healthChecks.Add(1)
			return
		}
		_, _ = io.WriteString(w, "origin saw "+r.URL.RequestURI())
	}))
	defer o.Close()
	before := runtime.NumGoroutine()
	c, err := compile.New(compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	root := model.Ref{Kind: model.KindProxy, Name: "billing"}
	snap := snapshotOf(t, 1, root, fmt.Sprintf(proxyYAML, o.URL))
	compiled, err := c.Compile(context.Background(), snap, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(compiled.Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for path, want := range map[string]string{
		"/ws/proxy/billing/v1/invoices?x=1": "origin saw /base/invoices?x=1",
		"/ws/proxy/billing/v1":              "origin saw /base",
		"/billing/invoices":                 "origin saw /base/invoices",
	} {
		if code, body := get(path); code != 200 || body != want {
			t.Errorf("GET %s: %d %q, want %q", path, code, body, want)
		}
	}
	code, body := get("/ws/proxy/billing/v1/openapi.json")
	if code != 200 || !strings.Contains(body, `"title": "Billing"`) || !strings.Contains(body, srv.URL+"/ws/proxy/billing/v1") ||
		strings.Contains(body, "billing.internal") {
		t.Errorf("openapi.json: %d %s", code, body)
	}
	if code, body := get("/ws/proxy/billing/v1/docs"); code != 200 || !strings.Contains(body, "Billing") {
		t.Errorf("docs: %d %.200s", code, body)
	}
	if code, _ := get("/elsewhere"); code != 404 {
		t.Errorf("GET /elsewhere: %d", code)
	}

	// The next revision of the same proxy keeps its upstream (and checks).
	next, err := c.Compile(context.Background(), snapshotOf(t, 2, root, fmt.Sprintf(proxyYAML, o.URL)), compiled)
	if err != nil {
		t.Fatal(err)
	}
	compiled.Close()
	<-compiled.Released()
	n := healthChecks.Load()
	time.Sleep(50 * time.Millisecond)
	if healthChecks.Load() == n {
		t.Error("health checks stopped although the next snapshot serves the same proxy")
	}
	srv.Close()
	next.Close()
	<-next.Released()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	// A check cancelled by the release may still reach the origin a moment later.
	time.Sleep(20 * time.Millisecond)
	n = healthChecks.Load()
	time.Sleep(50 * time.Millisecond)
	if got := healthChecks.Load(); got != n {
		t.Errorf("health checks went on after the last snapshot was released: %d then %d", n, got)
	}
}

func TestTwoProxiesClaimingOnePrefixDoNotCompile(t *testing.T) {
	t.Parallel()
	c, err := compile.New(compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	a := snapshotOf(t, 1, model.Ref{Kind: model.KindProxy, Name: "a"}, `
kind: Proxy
name: a
spec: {basePath: a, version: v1, pathPrefix: /shared, targets: [{url: "http://127.0.0.1:1"}]}
`)
	b := snapshotOf(t, 1, model.Ref{Kind: model.KindProxy, Name: "b"}, `
kind: Proxy
name: b
spec: {basePath: b, version: v1, pathPrefix: /shared, targets: [{url: "http://127.0.0.1:1"}]}
`)
	a.Deployments = append(a.Deployments, b.Deployments...)
	if _, err := c.Compile(context.Background(), a, nil); err == nil || !strings.Contains(err.Error(), "/shared") {
		t.Errorf("err = %v", err)
	}
}
