package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// start serves floorproxy in front of origin and returns its URL.
func start(t *testing.T, origin *httptest.Server, extra []byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	upstream := strings.TrimPrefix(origin.URL, "http://")
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c, upstream, extra)
		}
	}()
	return "http://" + ln.Addr().String()
}

// The -forwarded row must reach the origin with Portico's five fields and
// the caller's own, over one kept-alive connection; the plain row with the
// caller's only.
func TestForwardedAddsPorticosFields(t *testing.T) {
	seen := make(chan http.Header, 4)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header.Clone()
		io.WriteString(w, "ok")
	}))
	defer origin.Close()
	for _, tc := range []struct {
		name  string
		extra []byte
		want  []string
	}{
		{"plain", nil, nil},
		{"forwarded", []byte(forwardedFields), []string{"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Request-Id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := start(t, origin, tc.extra)
			for i := 0; i < 2; i++ {
				req, _ := http.NewRequest("GET", url+"/", nil)
				req.Header.Set("X-Caller", "yes")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(body) != "ok" {
					t.Fatalf("answer %d %q", resp.StatusCode, body)
				}
				h := <-seen
				if h.Get("X-Caller") != "yes" {
					t.Fatalf("the caller's field was lost: %v", h)
				}
				for _, k := range tc.want {
					if h.Get(k) == "" {
						t.Errorf("origin saw no %s: %v", k, h)
					}
				}
				if tc.want == nil && h.Get("X-Request-Id") != "" {
					t.Errorf("the plain row added fields: %v", h)
				}
			}
		})
	}
}
