package proxy_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// echo answers what it received as JSON.
func echo(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Connection", "X-Hop-Secret")
	w.Header().Set("X-Hop-Secret", "hidden")
	w.Header().Set("Keep-Alive", "timeout=5")
	w.Header().Set("X-Upstream", "yes")
	w.Header().Set("Server", "origin")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"method": r.Method, "uri": r.RequestURI, "host": r.Host, "body": string(b), "header": r.Header,
	})
}

type echoed struct {
	Method, URI, Host, Body string
	Header                  http.Header
}

func decodeEcho(t *testing.T, a answer) echoed {
	t.Helper()
	var e echoed
	if err := json.Unmarshal([]byte(a.body), &e); err != nil {
		t.Fatalf("%d %s: %v", a.status, a.body, err)
	}
	return e
}

func TestForwardsPathQueryBodyAndHeaders(t *testing.T) {
	t.Parallel()
	o := newOrigin(t, echo)
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL + "/base/")})

	a := do(t, "POST", gw+root+"/invoices/7?expand=lines&x=%2F", strings.NewReader(`{"n":1}`),
		"Content-Type", "application/json",
		"Connection", "X-Client-Hop", "X-Client-Hop", "drop me", "Keep-Alive", "300",
		"Proxy-Authorization", "Basic eDp5", "X-Forwarded-For", "203.0.113.9",
		"X-Forwarded-Host", "forged.example", "Authorization", "Bearer caller",
		"X-Forwarded-Authorization", "forged", "Host", "api.example.com", "User-Agent", "")
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	e := decodeEcho(t, a)
	if e.Method != "POST" || e.URI != "/base/invoices/7?expand=lines&x=%2F" || e.Body != `{"n":1}` {
		t.Errorf("forwarded %s %s body %q", e.Method, e.URI, e.Body)
	}
	for _, h := range []string{"X-Client-Hop", "Keep-Alive", "Proxy-Authorization", "Authorization", "X-Forwarded-Authorization", "User-Agent"} {
		if v := e.Header.Get(h); v != "" {
			t.Errorf("upstream got %s: %q", h, v)
		}
	}
	if got := e.Header.Get("X-Forwarded-For"); got != "203.0.113.9, 127.0.0.1" {
		t.Errorf("X-Forwarded-For = %q", got)
	}
	if e.Header.Get("X-Forwarded-Host") != "api.example.com" || e.Header.Get("X-Forwarded-Proto") != "http" ||
		e.Header.Get("X-Forwarded-Prefix") != root {
		t.Errorf("X-Forwarded-Host/Proto/Prefix = %q %q %q", e.Header.Get("X-Forwarded-Host"),
			e.Header.Get("X-Forwarded-Proto"), e.Header.Get("X-Forwarded-Prefix"))
	}
	if e.Host != strings.TrimPrefix(o.URL, "http://") {
		t.Errorf("upstream Host = %q", e.Host)
	}
	id := e.Header.Get("X-Request-Id")
	if len(id) != 36 || a.header.Get("X-Request-Id") != id {
		t.Errorf("X-Request-Id upstream %q, answer %q", id, a.header.Get("X-Request-Id"))
	}
	if a.header.Get("X-Hop-Secret") != "" || a.header.Get("Keep-Alive") != "" || a.header.Get("X-Upstream") != "yes" {
		t.Errorf("answer headers: %v", a.header)
	}

	// A caller's request id is kept.
	a = do(t, "GET", gw+root, nil, "X-Request-Id", "abc-123")
	e = decodeEcho(t, a)
	if e.Header.Get("X-Request-Id") != "abc-123" || a.header.Get("X-Request-Id") != "abc-123" || e.URI != "/base" {
		t.Errorf("request id %q / %q, uri %q", e.Header.Get("X-Request-Id"), a.header.Get("X-Request-Id"), e.URI)
	}
}

func TestPathPrefixRewriteAndHeaderChanges(t *testing.T) {
	t.Parallel()
	o := newOrigin(t, echo)
	gw, _ := gateway(t, &model.ProxySpec{
		Targets:    targets(o.URL),
		PathPrefix: "/billing",
		Rewrite:    []model.ProxyRewrite{{Match: `^/old/(.*)$`, Replace: "/new/$1"}},
		RequestHeaders: &model.ProxyHeaders{
			Add: map[string]string{"X-Gateway": "portico"}, Remove: []string{"Cookie"},
		},
		ResponseHeaders: &model.ProxyHeaders{
			Add: map[string]string{"X-Served-By": "portico"}, Remove: []string{"Server"},
		},
	})
	a := do(t, "GET", gw+"/billing/old/a/b?q=1", nil, "Cookie", "s=1", "X-Gateway", "forged")
	e := decodeEcho(t, a)
	if e.URI != "/new/a/b?q=1" {
		t.Errorf("rewritten to %q", e.URI)
	}
	if e.Header.Get("Cookie") != "" || e.Header.Get("X-Gateway") != "portico" || e.Header.Get("X-Forwarded-Prefix") != "/billing" {
		t.Errorf("request headers: %v", e.Header)
	}
	if a.header.Get("Server") != "" || a.header.Get("X-Served-By") != "portico" {
		t.Errorf("answer headers: %v", a.header)
	}
	a = do(t, "GET", gw+"/billing/keep", nil)
	if e := decodeEcho(t, a); e.URI != "/keep" {
		t.Errorf("stripped to %q", e.URI)
	}
}

func TestKeepPathPrefix(t *testing.T) {
	t.Parallel()
	o := newOrigin(t, echo)
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL), PathPrefix: "/billing", KeepPathPrefix: true})
	e := decodeEcho(t, do(t, "GET", gw+"/billing/x", nil))
	if e.URI != "/billing/x" || e.Header.Get("X-Forwarded-Prefix") != "" {
		t.Errorf("uri %q, prefix %q", e.URI, e.Header.Get("X-Forwarded-Prefix"))
	}
}

func TestUpstreamAuthentication(t *testing.T) {
	t.Parallel()
	o := newOrigin(t, echo)
	tests := []struct {
		name      string
		auth      *model.ProxyAuth
		wantAuth  string
		wantFwded string
	}{
		{"default drops the caller's", nil, "", ""},
		{"none forwarding it", &model.ProxyAuth{Type: "none", ForwardAuthorization: true}, "", "Bearer caller"},
		{"pass-through", &model.ProxyAuth{Type: "passThrough"}, "Bearer caller", ""},
		{"basic", &model.ProxyAuth{Type: "basic", Username: "gw", Password: "s3cret", ForwardAuthorization: true},
			"Basic Z3c6czNjcmV0", "Bearer caller"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL), Auth: tt.auth})
			e := decodeEcho(t, do(t, "GET", gw+root+"/x", nil, "Authorization", "Bearer caller"))
			if got := e.Header.Get("Authorization"); got != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", got, tt.wantAuth)
			}
			if got := e.Header.Get("X-Forwarded-Authorization"); got != tt.wantFwded {
				t.Errorf("X-Forwarded-Authorization = %q, want %q", got, tt.wantFwded)
			}
		})
	}
}

// TestLeanPathHeaders covers the path GET takes (headers written field by
// field) with the same expectations as the general path.
func TestLeanPathHeaders(t *testing.T) {
	t.Parallel()
	o := newOrigin(t, echo)
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL + "/base/"),
		RequestHeaders: &model.ProxyHeaders{Add: map[string]string{"X-Gateway": "portico"}, Remove: []string{"Cookie"}}})
	a := do(t, "GET", gw+root+"/a%2Fb/c%20d?q=%20", nil,
		"Keep-Alive", "300", "Proxy-Authorization", "Basic eDp5", "X-Forwarded-For", "203.0.113.9",
		"X-Forwarded-Host", "forged.example", "X-Forwarded-Prefix", "/forged", "Authorization", "Bearer caller",
		"X-Forwarded-Authorization", "forged", "Cookie", "c=1", "X-Gateway", "forged", "Host", "api.example.com",
		"X-Custom", "one", "X-Custom", "two")
	if a.status != 200 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	e := decodeEcho(t, a)
	if e.Method != "GET" || e.URI != "/base/a%2Fb/c%20d?q=%20" {
		t.Errorf("forwarded %s %s", e.Method, e.URI)
	}
	for _, h := range []string{"Keep-Alive", "Proxy-Authorization", "Authorization", "X-Forwarded-Authorization", "Cookie"} {
		if v := e.Header.Get(h); v != "" {
			t.Errorf("upstream got %s: %q", h, v)
		}
	}
	want := map[string]string{
		"X-Forwarded-For": "203.0.113.9, 127.0.0.1", "X-Forwarded-Host": "api.example.com",
		"X-Forwarded-Proto": "http", "X-Forwarded-Prefix": root, "X-Gateway": "portico",
	}
	for k, v := range want {
		if got := e.Header.Values(k); len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if got := e.Header.Values("X-Custom"); len(got) != 2 || got[0] != "one" || got[1] != "two" {
		t.Errorf("X-Custom = %q", got)
	}
	if id := e.Header.Get("X-Request-Id"); len(id) != 36 || a.header.Get("X-Request-Id") != id {
		t.Errorf("request id %q / %q", id, a.header.Get("X-Request-Id"))
	}
	if a.header.Get("X-Hop-Secret") != "" || a.header.Get("Keep-Alive") != "" || a.header.Get("X-Upstream") != "yes" {
		t.Errorf("answer headers: %v", a.header)
	}
	// HEAD keeps the length and sends no body.
	h := do(t, "HEAD", gw+root+"/x", nil)
	if h.status != 200 || h.body != "" {
		t.Errorf("HEAD: %d %q", h.status, h.body)
	}
}

// TestStaleKeepAliveConnectionIsRetried: an upstream that closes idle
// connections at once must not turn into 502s.
func TestStaleKeepAliveConnectionIsRetried(t *testing.T) {
	t.Parallel()
	o := httptest.NewUnstartedServer(named("fresh"))
	o.Config.IdleTimeout = time.Millisecond
	o.Start()
	defer o.Close()
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL)})
	for i := range 20 {
		if a := do(t, "GET", gw+root, nil); a.status != 200 {
			t.Fatalf("call %d: %d %s", i, a.status, a.body)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// An upstream that restarted leaves every pooled connection dead: the one
// retry a request gets must not take another dead one.
func TestUpstreamRestartWithManyIdleConnections(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var held atomic.Int64
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("hold") != "" {
			held.Add(1)
			<-release
		}
		_, _ = io.WriteString(w, "ok")
	})
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL)})
	// Eight calls at once leave eight idle connections in the pool.
	const n = 8
	done := make(chan answer, n)
	for range n {
		go func() { done <- do(t, "GET", gw+root+"?hold=1", nil) }()
	}
	for held.Load() < n {
		time.Sleep(time.Millisecond)
	}
	close(release)
	for range n {
		if a := <-done; a.status != 200 {
			t.Fatalf("filling the pool: %d %s", a.status, a.body)
		}
	}
	o.CloseClientConnections() // the upstream "restarts"
	for i := range n {
		if a := do(t, "GET", gw+root, nil); a.status != 200 {
			t.Fatalf("call %d after the upstream dropped its connections: %d %s", i, a.status, a.body)
		}
	}
}
