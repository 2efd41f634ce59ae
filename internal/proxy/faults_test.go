package proxy_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

func TestUpstreamFaults(t *testing.T) {
	t.Parallel()
	slow := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	slowBody := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	bigHeader := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Huge", strings.Repeat("x", 2<<20))
		w.WriteHeader(200)
	})
	tests := []struct {
		name   string
		spec   *model.ProxySpec
		status int
		detail string
	}{
		{"refused", &model.ProxySpec{Targets: targets(refusedURL(t))}, 502, "refused the connection"},
		{"response header timeout", &model.ProxySpec{Targets: targets(slow.URL),
			Timeouts: &model.ProxyTimeouts{ResponseHeader: model.Duration(200 * time.Millisecond)}}, 504, "did not answer in time"},
		{"total timeout", &model.ProxySpec{Targets: targets(slow.URL),
			Timeouts: &model.ProxyTimeouts{Total: model.Duration(200 * time.Millisecond)}}, 504, "did not answer in time"},
		{"oversized response headers", &model.ProxySpec{Targets: targets(bigHeader.URL)}, 502, "headers are too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			gw, _ := gateway(t, tt.spec)
			start := time.Now()
			a := do(t, "GET", gw+root+"/x", nil)
			if a.status != tt.status || a.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(a.body, tt.detail) {
				t.Errorf("%d %v %s", a.status, a.header, a.body)
			}
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("answered after %v", el)
			}
		})
	}
	t.Run("total timeout cuts a slow body", func(t *testing.T) {
		t.Parallel()
		gw, _ := gateway(t, &model.ProxySpec{Targets: targets(slowBody.URL),
			Timeouts: &model.ProxyTimeouts{Total: model.Duration(200 * time.Millisecond)}})
		resp, err := noCompression.Get(gw + root)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		buf := make([]byte, 10)
		start := time.Now()
		_, err = resp.Body.Read(buf)
		if err == nil || time.Since(start) > 3*time.Second {
			t.Errorf("body read: %v after %v, want a broken body at the timeout", err, time.Since(start))
		}
	})
}

func TestClientAbortCancelsTheUpstreamCall(t *testing.T) {
	t.Parallel()
	arrived, cancelled := make(chan struct{}), make(chan struct{})
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		select {
		case <-r.Context().Done():
			close(cancelled)
		case <-time.After(10 * time.Second):
		}
	})
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL)})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", gw+root+"/long", nil)
	go func() {
		<-arrived
		cancel()
	}()
	if _, err := noCompression.Do(req); err == nil {
		t.Fatal("the cancelled call succeeded")
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the upstream call was not cancelled when the client went away")
	}
}

func TestRefusesSmugglingAndOpenProxyShapes(t *testing.T) {
	t.Parallel()
	o := newOrigin(t, named("origin"))
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL)})
	tests := []struct {
		name, request, status string
	}{
		{"two content-lengths", "POST " + root + "/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", "400"},
		{"unknown transfer-encoding", "POST " + root + "/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "50"},
		{"absolute form", "GET http://example.com" + root + "/x HTTP/1.1\r\nHost: example.com\r\n\r\n", "400"},
		{"absolute form elsewhere", "GET http://169.254.169.254/latest HTTP/1.1\r\nHost: 169.254.169.254\r\n\r\n", "404"},
		{"connect", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			line, _ := raw(t, gw, tt.request)
			if !strings.HasPrefix(line, "HTTP/1.1 "+tt.status) {
				t.Errorf("answer %q, want %s", line, tt.status)
			}
		})
	}
	if o.hits.Load() != 0 {
		t.Errorf("%d refused requests reached the upstream", o.hits.Load())
	}
}

// TestConflictingFramingIsReframed: net/http drops the Content-Length of a
// chunked request, as RFC 9112 tells an intermediary to; the upstream must
// then get one consistent framing and the body as chunked.
func TestConflictingFramingIsReframed(t *testing.T) {
	t.Parallel()
	got := make(chan string, 2)
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- fmt.Sprintf("%s cl=%q te=%v body=%q", r.URL.Path, r.Header.Get("Content-Length"), r.TransferEncoding, b)
	})
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets(o.URL)})
	line, _ := raw(t, gw, "POST "+root+"/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n"+
		"5\r\nhello\r\n0\r\n\r\n")
	if !strings.HasPrefix(line, "HTTP/1.1 200") {
		t.Fatalf("answer %q", line)
	}
	if g := <-got; g != `/x cl="" te=[chunked] body="hello"` {
		t.Errorf("upstream got %s", g)
	}
}

// TestSlowAndTrickledAnswersArriveWhole covers the lean path's wait for an
// answer past its first short wait: a late answer, a head that arrives in
// pieces, a body that comes after its head. Each arrives whole, within
// the response header timeout, and the connection carries the next call.
func TestSlowAndTrickledAnswersArriveWhole(t *testing.T) {
	t.Parallel()
	const pause = 60 * time.Millisecond
	body := `{"ok":true}`
	pieces := map[string][]string{
		"/late":       {"", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Shape: late\r\nContent-Length: 11\r\n\r\n" + body},
		"/split-head": {"HTTP/1.1 200 OK\r\nContent-Type: app", "lication/json\r\nX-Shape: split\r\nContent-Length: 11\r\n\r\n" + body},
		"/late-body":  {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Shape: body\r\nContent-Length: 11\r\n\r\n{\"ok\"", ":true}"},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					for i, p := range pieces[req.URL.Path] {
						if i > 0 || p == "" {
							time.Sleep(pause)
						}
						if _, err := io.WriteString(c, p); err != nil {
							return
						}
					}
				}
			}()
		}
	}()
	gw, _ := gateway(t, &model.ProxySpec{Targets: targets("http://" + ln.Addr().String()),
		Timeouts: &model.ProxyTimeouts{ResponseHeader: model.Duration(2 * time.Second)}})
	for _, path := range []string{"/late", "/split-head", "/late-body", "/late"} {
		a := do(t, "GET", gw+root+path, nil)
		if a.status != 200 || a.body != body || a.header.Get("Content-Type") != "application/json" || a.header.Get("X-Shape") == "" {
			t.Errorf("%s: %d %v %q", path, a.status, a.header, a.body)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("the calls took %d upstream connections, want 1 kept alive", n)
	}
}
