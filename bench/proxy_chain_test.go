package bench

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime/compile"
	"github.com/portico-dev/portico/internal/runtime/h1"
	"github.com/portico-dev/portico/internal/telemetry"
	"github.com/portico-dev/portico/internal/telemetry/route"
)

// cannedOrigin answers every request on its connections with the peers
// harness's 71-byte JSON, allocating nothing per request, so that a
// benchmark's allocations are the gateway's alone. It returns its address.
func cannedOrigin(b *testing.B) string {
	b.Helper()
	body := `{"id":42,"name":"Ada Lovelace","email":"ada@example.com","active":true}`
	answer := []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 71\r\n\r\n" + body)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					// A bodiless request ends with its empty line.
					for {
						line, err := br.ReadSlice('\n')
						if err != nil {
							return
						}
						if len(bytes.TrimRight(line, "\r\n")) == 0 {
							break
						}
					}
					if _, err := c.Write(answer); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// proxyGateway compiles a snapshot with one proxy, /ws/proxy/bench/v1 to a
// canned origin, and returns its handler behind telemetry, as `portico
// serve` runs it.
func proxyGateway(b *testing.B) http.Handler {
	b.Helper()
	origin := cannedOrigin(b)
	snap := snapshotOf(b, model.Ref{Kind: model.KindProxy, Name: "bench"}, `
kind: Proxy
name: bench
spec:
  basePath: bench
  version: v1
  targets:
    - url: http://`+origin+`
`)
	c, err := compile.New(compile.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	compiled, err := c.Compile(context.Background(), snap, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(compiled.Close)
	h := telemetry.Middleware(compiled.Handler(), telemetry.HTTPConfig{
		Metrics: telemetry.NewMetrics(telemetry.Runtime), Collector: telemetry.NewCollector(nil)})
	return h
}

// BenchmarkProxyChain runs one GET through everything a proxy route's
// request meets in `portico serve` but the HTTP server: telemetry, the
// compiled snapshot's security chain, admission and mux, and the proxy's
// lean call to a canned origin over loopback. allocs/op is the gateway's
// own per-request garbage.
func BenchmarkProxyChain(b *testing.B) {
	h := proxyGateway(b)
	req := httptest.NewRequest(http.MethodGet, "/ws/proxy/bench/v1/", nil)
	req.RemoteAddr = "127.0.0.1:50000"
	w := &sink{h: http.Header{}}
	h.ServeHTTP(w, req)
	if w.status != http.StatusOK || w.n != 71 {
		b.Fatalf("GET through the proxy: %d, %d bytes", w.status, w.n)
	}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.status, w.n = 0, 0
		h.ServeHTTP(w, req)
	}
	if w.status != http.StatusOK {
		b.Fatalf("status %d", w.status)
	}
}

// sink is a ResponseWriter that counts and keeps nothing.
type sink struct {
	h      http.Header
	status int
	n      int
}

func (s *sink) Header() http.Header { return s.h }
func (s *sink) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}
func (s *sink) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	s.n += len(p)
	return len(p), nil
}

// BenchmarkGatewayRoundTrip is BenchmarkProxyChain behind the runtime's
// HTTP server (the lean HTTP/1.1 loop): a keep-alive client sends one GET
// at a time over loopback. allocs/op is everything the gateway allocates
// per proxied request (the client allocates nothing).
func BenchmarkGatewayRoundTrip(b *testing.B) {
	h := proxyGateway(b)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &h1.Server{Std: &http.Server{Handler: h}, RequestContext: route.Attach}
	go srv.Serve(ln)
	defer srv.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	req := []byte("GET /ws/proxy/bench/v1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: wrk\r\n\r\n")
	br := bufio.NewReader(conn)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := conn.Write(req); err != nil {
			b.Fatal(err)
		}
		// Read without allocating, so that allocs/op is the gateway's:
		// the status line, the fields, then the 71-byte body.
		line, err := br.ReadSlice('\n')
		if err != nil || !bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")) {
			b.Fatalf("status line %q: %v", line, err)
		}
		length := false
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				b.Fatal(err)
			}
			if len(line) == 2 {
				break
			}
			length = length || bytes.Equal(line, []byte("Content-Length: 71\r\n"))
		}
		if _, err := br.Discard(71); err != nil || !length {
			b.Fatalf("body: %v, Content-Length: 71 sent: %v", err, length)
		}
	}
}
