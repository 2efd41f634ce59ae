package runtime_test

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/runtime"
)

// TestLeanLoopAndNetHTTPAnswerAlike sends the same raw requests to a
// runtime served by the lean HTTP/1.1 loop (the default) and to one served
// by net/http alone (Config.StdHTTP): what a caller sees must not depend on
// which one served it, including for the shapes the loop hands on.
func TestLeanLoopAndNetHTTPAnswerAlike(t *testing.T) {
	t.Parallel()
	requests := []struct {
		name, raw string
	}{
		{"plain GET", "GET /ws/rest/erp/v1/customers HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"HEAD", "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"POST with a body", "POST /ws/rest/erp/v1/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"},
		{"HTTP/1.0", "GET /healthz HTTP/1.0\r\n\r\n"},
		{"non-canonical path", "GET /ws/rest/../x HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"no Host", "GET /healthz HTTP/1.1\r\n\r\n"},
		{"Content-Length and Transfer-Encoding", "POST /ws/rest/erp/v1/customers HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
		{"obs-fold", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n"},
	}
	answers := map[bool][]string{}
	for _, std := range []bool{false, true} {
		f := newFeed()
		s := start(t, runtime.Config{Source: f, StdHTTP: std})
		f.send(t, snapshot(1))
		<-s.rt.Ready()
		addr := strings.TrimPrefix(s.url, "http://")
		for _, rq := range requests {
			answers[std] = append(answers[std], exchange(t, addr, rq.raw))
		}
	}
	for i, rq := range requests {
		if lean, std := answers[false][i], answers[true][i]; lean != std {
			t.Errorf("%s: lean loop answered %q, net/http %q", rq.name, lean, std)
		}
	}
	if !strings.HasPrefix(answers[false][0], "404 ") || !strings.HasPrefix(answers[false][5], "400 ") {
		t.Errorf("answers: %q", answers[false])
	}
}

// exchange writes raw on a new connection and summarises the answer as
// "status content-type body-length", or "closed" when none came.
func exchange(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	method := raw[:strings.IndexByte(raw, ' ')]
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		return "closed"
	}
	defer resp.Body.Close()
	n := 0
	buf := make([]byte, 4096)
	for {
		k, err := resp.Body.Read(buf)
		n += k
		if err != nil {
			break
		}
	}
	return resp.Status + " " + resp.Header.Get("Content-Type") + " " + strconv.Itoa(n)
}
