package proxy_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/proxy"
	"github.com/portico-dev/portico/internal/runtime/h1"
)

const root = "/ws/proxy/billing/v1"

// gateway serves spec under root, as the runtime mounts it, and returns its URL.
func gateway(t *testing.T, spec *model.ProxySpec) (string, *proxy.Upstream) {
	t.Helper()
	if spec.BasePath == "" {
		spec.BasePath, spec.Version = "billing", "v1"
	}
	if err := spec.Validate(); err != nil {
		t.Fatalf("spec: %v", err)
	}
	up, err := proxy.NewUpstream(spec, proxy.Options{Name: "billing"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h := up.Handler(root, true)
	mux.Handle(root, h)
	mux.Handle(root+"/", h)
	if spec.PathPrefix != "" {
		ph := up.Handler(spec.PathPrefix, !spec.KeepPathPrefix)
		mux.Handle(spec.PathPrefix, ph)
		mux.Handle(spec.PathPrefix+"/", ph)
	}
	// Served as the runtime serves it: the lean HTTP/1.1 loop in front of
	// net/http, so that both paths of a request meet the proxy.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &h1.Server{Std: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		_ = srv.Close()
		up.Close()
	})
	return "http://" + ln.Addr().String(), up
}

// origin is an upstream that counts its calls.
type origin struct {
	*httptest.Server
	hits atomic.Int64
}

func newOrigin(t *testing.T, h http.HandlerFunc) *origin {
	t.Helper()
	o := &origin{}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(o.Close)
	return o
}

// named answers its name, for counting where requests went.
func named(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" {
			w.WriteHeader(http.StatusOK)
			return
		}
		_, _ = io.WriteString(w, name)
	}
}

// refusedURL is an address nothing listens on.
func refusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func targets(urls ...string) []model.ProxyTarget {
	out := make([]model.ProxyTarget, len(urls))
	for i, u := range urls {
		out[i] = model.ProxyTarget{URL: u}
	}
	return out
}

type answer struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, method, url string, body io.Reader, hdr ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if strings.EqualFold(hdr[i], "Host") {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Add(hdr[i], hdr[i+1])
	}
	resp, err := noCompression.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

var noCompression = &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 20 * time.Second}

// raw sends a request as written over TCP and returns the status line and
// the rest of the answer's head.
func raw(t *testing.T, base, request string) (statusLine string, head string) {
	t.Helper()
	addr := strings.TrimPrefix(base, "http://")
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the answer to %q: %v", request, err)
	}
	var sb strings.Builder
	for {
		l, err := br.ReadString('\n')
		if err != nil || l == "\r\n" {
			break
		}
		sb.WriteString(l)
	}
	return strings.TrimSpace(line), sb.String()
}
