package h1

// Behaviour tests of the lean loop over real TCP connections. Most run the
// same exchange against a plain net/http server too ("std"): that both
// checks the expectation written here and documents that the lean loop
// answers as net/http does.
//
// Tests marked "Regression" pin a place where the lean loop once behaved
// otherwise than net/http (see each comment).

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var impls = []string{"h1", "std"}

// seenRequest is what a handler saw of its request.
type seenRequest struct {
	Method, Path, RawPath, RawQuery, URLHost, Host, RequestURI string
	Proto                                                      string
	ProtoMajor, ProtoMinor                                     int
	Header                                                     http.Header
	ContentLength                                              int64
	TransferEncoding                                           []string
	Close                                                      bool
	Body                                                       string
	BodyErr                                                    string
	HasTLS                                                     bool
}

func TestRequestFieldsOnKeepAliveConnection(t *testing.T) {
	type fromHandler struct {
		seen       seenRequest
		remoteAddr string
		localAddr  string
		served     string
	}
	got := make(chan fromHandler, 16)
	h := marked(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		errStr := ""
		if err != nil {
			errStr = err.Error()
		}
		local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		localStr := ""
		if local != nil {
			localStr = local.String()
		}
		got <- fromHandler{
			seen: seenRequest{
				Method: r.Method, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery,
				URLHost: r.URL.Host, Host: r.Host, RequestURI: r.RequestURI, Proto: r.Proto,
				ProtoMajor: r.ProtoMajor, ProtoMinor: r.ProtoMinor, Header: r.Header.Clone(),
				ContentLength: r.ContentLength, TransferEncoding: r.TransferEncoding, Close: r.Close,
				Body: string(body), BodyErr: errStr, HasTLS: r.TLS != nil,
			},
			remoteAddr: r.RemoteAddr,
			localAddr:  localStr,
			served:     servedBy(w),
		}
		io.WriteString(w, "ok "+r.URL.Path)
	})

	cases := []struct {
		name string
		raw  string
		want seenRequest
	}{
		{
			name: "query and repeated headers",
			raw:  "GET /a/b?x=1&y=two HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t1\r\nX-Multi: a\r\nX-Multi: b\r\nx-lower: v\r\n\r\n",
			want: seenRequest{
				Method: "GET", Path: "/a/b", RawQuery: "x=1&y=two", Host: "example.com", RequestURI: "/a/b?x=1&y=two",
				Header: http.Header{"User-Agent": {"t1"}, "X-Multi": {"a", "b"}, "X-Lower": {"v"}},
			},
		},
		{
			name: "host with port and Connection keep-alive",
			raw:  "DELETE /items/7 HTTP/1.1\r\nHost: api.example.com:8443\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n",
			want: seenRequest{
				Method: "DELETE", Path: "/items/7", Host: "api.example.com:8443", RequestURI: "/items/7",
				Header: http.Header{"Connection": {"keep-alive"}, "Accept": {"*/*"}},
			},
		},
		{
			name: "escaped path, empty and padded values",
			raw:  "OPTIONS /%7Euser/a%20b HTTP/1.1\r\nHost: h\r\nX-Empty:\r\nX-Padded: \t padded value \t\r\n\r\n",
			want: seenRequest{
				Method: "OPTIONS", Path: "/~user/a b", RawPath: "/%7Euser/a%20b", Host: "h", RequestURI: "/%7Euser/a%20b",
				Header: http.Header{"X-Empty": {""}, "X-Padded": {"padded value"}},
			},
		},
		{
			name: "double slash is a path, not an authority",
			raw:  "GET //evil.example/x HTTP/1.1\r\nhost: h\r\n\r\n",
			want: seenRequest{
				Method: "GET", Path: "//evil.example/x", Host: "h", RequestURI: "//evil.example/x", Header: http.Header{},
			},
		},
		{
			name: "PUT without a body",
			raw:  "PUT /p HTTP/1.1\r\nHost: h\r\n\r\n",
			want: seenRequest{Method: "PUT", Path: "/p", Host: "h", RequestURI: "/p", Header: http.Header{}},
		},
	}
	for i := range cases {
		cases[i].want.Proto, cases[i].want.ProtoMajor, cases[i].want.ProtoMinor = "HTTP/1.1", 1, 1
	}

	servers := startBoth(t, h)
	results := map[string][]seenRequest{}
	for _, impl := range impls {
		ts := servers[impl]
		c := dial(t, ts.addr) // one connection for all the requests
		for _, tc := range cases {
			resp, body := c.roundTrip("GET", tc.raw)
			fh := recv(t, impl+" "+tc.name, got)
			results[impl] = append(results[impl], fh.seen)
			if impl != "h1" {
				continue
			}
			t.Run(tc.name, func(t *testing.T) {
				if fh.served != "h1" {
					t.Errorf("served by %s, want the lean loop", fh.served)
				}
				if diff := diffSeen(tc.want, fh.seen); diff != "" {
					t.Errorf("request %q:\n%s", tc.raw, diff)
				}
				if _, ok := fh.seen.Header["Host"]; ok {
					t.Errorf("r.Header has a Host key")
				}
				if fh.remoteAddr != c.c.LocalAddr().String() {
					t.Errorf("RemoteAddr = %q, want %q", fh.remoteAddr, c.c.LocalAddr())
				}
				if fh.localAddr != ts.addr {
					t.Errorf("LocalAddrContextKey = %q, want %q", fh.localAddr, ts.addr)
				}
				wantBody := "ok " + tc.want.Path
				if resp.StatusCode != 200 || body != wantBody {
					t.Errorf("response %d %q, want 200 %q", resp.StatusCode, body, wantBody)
				}
				if resp.ContentLength != int64(len(wantBody)) || len(resp.TransferEncoding) != 0 {
					t.Errorf("framing: Content-Length %d, Transfer-Encoding %v; want Content-Length %d", resp.ContentLength, resp.TransferEncoding, len(wantBody))
				}
				if resp.Header.Get("Date") == "" {
					t.Errorf("no Date header")
				}
				if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
					t.Errorf("Content-Type %q, want the sniffed text/plain; charset=utf-8", ct)
				}
				if resp.Close {
					t.Errorf("response closes the connection")
				}
			})
		}
	}
	// The lean loop builds the request net/http would.
	for i, tc := range cases {
		if diff := diffSeen(results["std"][i], results["h1"][i]); diff != "" {
			t.Errorf("%s: the lean request differs from net/http's (want net/http's):\n%s", tc.name, diff)
		}
	}
}

func diffSeen(want, got seenRequest) string {
	w, g := fmt.Sprintf("%+v", want), fmt.Sprintf("%+v", got)
	if w == g {
		return ""
	}
	return "  want " + w + "\n  got  " + g
}

func TestNetHTTPClientReusesLeanConnection(t *testing.T) {
	ts := startH1(t, marked(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello "+r.URL.Query().Get("i"))
	}))
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr, Timeout: ioTimeout}
	for i := range 5 {
		reused := false
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
			GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused },
		})
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+ts.addr+"/x?i="+strconv.Itoa(i), nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := "hello " + strconv.Itoa(i); string(body) != want {
			t.Errorf("request %d: body %q, want %q", i, body, want)
		}
		if s := resp.Header.Get(servedByHeader); s != "h1" {
			t.Errorf("request %d served by %q, want h1", i, s)
		}
		if i > 0 && !reused {
			t.Errorf("request %d did not reuse the connection", i)
		}
	}
}

// pattern is n bytes that show a reordered or lost chunk.
func pattern(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return string(b)
}

// textHandler answers /text?n=N with pattern(N) in one write, and echoes
// the query in X-Query.
func textHandler(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	w.Header().Set("X-Query", r.URL.RawQuery)
	io.WriteString(w, pattern(n))
}

func TestPipelinedRequestsAnsweredInOrder(t *testing.T) {
	for impl, ts := range startBoth(t, marked(textHandler)) {
		t.Run(impl, func(t *testing.T) {
			c := dial(t, ts.addr)
			type step struct {
				method, query string
				n             int
			}
			steps := []step{
				{"GET", "n=5&i=1", 5},
				{"HEAD", "n=3000&i=2", 0},
				{"GET", "n=3000&i=3", 3000},
				{"GET", "n=2048&i=4", 2048},
				{"DELETE", "n=1&i=5", 1},
			}
			var all strings.Builder
			for _, s := range steps {
				all.WriteString(req(s.method, "/text?"+s.query))
			}
			all.WriteString(get("/text?n=7&i=6", "Connection: close"))
			steps = append(steps, step{"GET", "n=7&i=6", 7})
			c.write(all.String()) // one write
			for i, s := range steps {
				resp, body := c.mustRead(s.method)
				if q := resp.Header.Get("X-Query"); q != s.query {
					t.Fatalf("response %d answers %q, want %q (out of order)", i+1, q, s.query)
				}
				if body != pattern(s.n) {
					t.Errorf("response %d: body of %d bytes, want %d", i+1, len(body), s.n)
				}
				if sb := resp.Header.Get(servedByHeader); sb != impl {
					t.Errorf("response %d served by %q, want %q", i+1, sb, impl)
				}
			}
			c.expectClosed()
		})
	}
}

// TestPipelinedRequestArrivingWhileWatched sends the second request while
// the first runs long enough to be watched: the watch reads its first
// byte, which must neither cancel the first request nor be lost.
func TestPipelinedRequestArrivingWhileWatched(t *testing.T) {
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	ts := startH1(t, marked(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			started <- struct{}{}
			<-release
			fmt.Fprintf(w, "slow ctx=%v", r.Context().Err())
			return
		}
		io.WriteString(w, "fast "+r.URL.Path)
	}), withWatchAfter(time.Millisecond), withTimeouts())
	c := dial(t, ts.addr)
	c.write(get("/slow"))
	recv(t, "handler start", started)
	// Not a synchronisation: it gives the watch (1 ms) time to start, so
	// that the next request's first byte is read by it. The assertions
	// hold whether it did or not.
	time.Sleep(30 * time.Millisecond)
	c.write(get("/fast1") + get("/fast2"))
	time.Sleep(10 * time.Millisecond)
	release <- struct{}{}
	for _, want := range []string{"slow ctx=<nil>", "fast /fast1", "fast /fast2"} {
		resp, body := c.mustRead("GET")
		if body != want || resp.Header.Get(servedByHeader) != "h1" {
			t.Errorf("got %q served by %q, want %q by h1", body, resp.Header.Get(servedByHeader), want)
		}
	}
}

func TestHandOffToNetHTTP(t *testing.T) {
	echo := marked(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "reading the body: "+err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "%s %s %s host=%s big=%d body=%s", r.Method, r.URL.Path, r.Proto, r.Host, len(r.Header.Get("X-Big")), body)
	})
	ts := startH1(t, echo)

	edgePrefix := "GET /edge HTTP/1.1\r\nHost: h\r\nX-Big: "
	edge := func(n int) string { // a head of exactly n bytes
		return edgePrefix + strings.Repeat("e", n-len(edgePrefix)-4) + "\r\n\r\n"
	}
	big := strings.Repeat("b", 6<<10)

	type tc struct {
		name   string
		raw    string
		send   func(c *client) (*http.Response, string) // instead of raw
		served string                                   // "h1", "std", or "" (net/http answered itself)
		body   string
		close  bool // the server closes after the answer
	}
	cases := []tc{
		{name: "plain GET (control)", raw: get("/plain"), served: "h1", body: "GET /plain HTTP/1.1 host=h big=0 body="},
		{name: "head split across writes (control)", served: "h1", body: "GET /split HTTP/1.1 host=h big=0 body=",
			send: func(c *client) (*http.Response, string) {
				c.write("GET /split HTTP/1.1\r\nHo")
				time.Sleep(20 * time.Millisecond) // lets the server read the first part alone
				c.write("st: h\r\n\r\n")
				return c.mustRead("GET")
			}},
		{name: "head of exactly readBufSize (control)", raw: edge(readBufSize), served: "h1",
			body: fmt.Sprintf("GET /edge HTTP/1.1 host=h big=%d body=", readBufSize-len(edgePrefix)-4)},
		{name: "head one byte over readBufSize", raw: edge(readBufSize + 1), served: "std",
			body: fmt.Sprintf("GET /edge HTTP/1.1 host=h big=%d body=", readBufSize+1-len(edgePrefix)-4)},
		{name: "6 KiB header", raw: get("/big", "X-Big: "+big), served: "std", body: "GET /big HTTP/1.1 host=h big=6144 body="},
		{name: "POST with Content-Length", raw: "POST /post HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
			served: "std", body: "POST /post HTTP/1.1 host=h big=0 body=hello"},
		{name: "chunked request body", raw: "POST /chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
			served: "std", body: "POST /chunked HTTP/1.1 host=h big=0 body=hello world"},
		{name: "GET with a body", raw: "GET /getbody HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc",
			served: "std", body: "GET /getbody HTTP/1.1 host=h big=0 body=abc"},
		{name: "GET with Content-Length 0", raw: get("/cl0", "Content-Length: 0"),
			served: "std", body: "GET /cl0 HTTP/1.1 host=h big=0 body="},
		{name: "HTTP/1.0", raw: "GET /old HTTP/1.0\r\nHost: h\r\n\r\n", served: "std", close: true,
			body: "GET /old HTTP/1.0 host=h big=0 body="},
		{name: "HTTP/1.0 keep-alive", raw: "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", served: "std",
			body: "GET /old HTTP/1.0 host= big=0 body="},
		{name: "absolute-form target", raw: "GET http://example.com/abs?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n",
			served: "std", body: "GET /abs HTTP/1.1 host=example.com big=0 body="},
		{name: "uncommon method", raw: req("PROPFIND", "/dav"), served: "std", body: "PROPFIND /dav HTTP/1.1 host=h big=0 body="},
		{name: "lower-case method", raw: req("get", "/lc"), served: "std", body: "get /lc HTTP/1.1 host=h big=0 body="},
		{name: "OPTIONS *", raw: "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", served: "", body: ""},
		{name: "Upgrade", raw: get("/up", "Connection: Upgrade", "Upgrade: websocket"), served: "std",
			body: "GET /up HTTP/1.1 host=h big=0 body="},
		{name: "Te: trailers", raw: get("/te", "Te: trailers"), served: "std", body: "GET /te HTTP/1.1 host=h big=0 body="},
		{name: "Trailer request header", raw: get("/trailer", "Trailer: X-T"), served: "std", body: "GET /trailer HTTP/1.1 host=h big=0 body="},
		{name: "Connection naming another header", raw: get("/conn", "Connection: keep-alive, X-Hop"), served: "std",
			body: "GET /conn HTTP/1.1 host=h big=0 body="},
		{name: "Expect: 100-continue", served: "std", body: "POST /expect HTTP/1.1 host=h big=0 body=hello",
			send: func(c *client) (*http.Response, string) {
				c.write("POST /expect HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
				resp, _ := c.mustRead("POST")
				if resp.StatusCode != http.StatusContinue {
					c.t.Fatalf("got %d before the body, want 100 Continue", resp.StatusCode)
				}
				c.write("hello")
				return c.mustRead("POST")
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, ts.addr)
			var resp *http.Response
			var body string
			if tc.send != nil {
				resp, body = tc.send(c)
			} else {
				resp, body = c.roundTrip("GET", tc.raw)
			}
			if resp.StatusCode != 200 || body != tc.body {
				t.Errorf("got %d %q, want 200 %q", resp.StatusCode, body, tc.body)
			}
			if sb := resp.Header.Get(servedByHeader); sb != tc.served {
				t.Errorf("served by %q, want %q", sb, tc.served)
			}
			if tc.close {
				c.expectClosed()
				return
			}
			// The connection stays with whoever took it.
			followServer := tc.served
			if followServer == "" {
				followServer = "std"
			}
			for i := range 2 {
				resp, body := c.roundTrip("GET", get("/after"))
				if want := "GET /after HTTP/1.1 host=h big=0 body="; resp.StatusCode != 200 || body != want {
					t.Errorf("follow-up %d: got %d %q, want 200 %q", i+1, resp.StatusCode, body, want)
				}
				if sb := resp.Header.Get(servedByHeader); sb != followServer {
					t.Errorf("follow-up %d served by %q, want %q", i+1, sb, followServer)
				}
			}
		})
	}
}

func TestMalformedRequestsGetNetHTTPAnswer(t *testing.T) {
	echo := marked(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s host=%s te=%v cl=%d body=%q", r.Method, r.URL.Path, r.Host, r.TransferEncoding, r.ContentLength, body)
	})
	servers := startBoth(t, echo)
	const next = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n"
	cases := []struct {
		name   string
		raw    string
		refuse bool // net/http refuses it (4xx/5xx) or closes without an answer
		lean   bool // a control: the lean loop serves it
	}{
		{name: "valid GET (control)", raw: "GET / HTTP/1.1\r\nHost: a\r\n\r\n" + next, lean: true},
		{name: "Content-Length and Transfer-Encoding", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + next},
		{name: "GET with Content-Length and Transfer-Encoding", raw: "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + next},
		{name: "two different Content-Lengths", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde" + next, refuse: true},
		{name: "signed Content-Length", raw: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello" + next, refuse: true},
		{name: "two Transfer-Encodings", raw: "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n" + next, refuse: true},
		{name: "missing Host", raw: "GET / HTTP/1.1\r\nX: y\r\n\r\n" + next, refuse: true},
		{name: "two Hosts", raw: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + next, refuse: true},
		{name: "the same Host twice", raw: "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n" + next, refuse: true},
		{name: "malformed Host", raw: "GET / HTTP/1.1\r\nHost: a b\r\n\r\n" + next, refuse: true},
		{name: "empty Host (valid)", raw: "GET / HTTP/1.1\r\nHost:\r\n\r\n" + next, lean: true},
		{name: "leading CRLF on a new connection", raw: "\r\n" + next, refuse: true},
		{name: "obs-fold", raw: "GET / HTTP/1.1\r\nHost: a\r\nX-Fold: a\r\n b\r\n\r\n" + next},
		{name: "obs-fold of Host", raw: "GET / HTTP/1.1\r\nHost: a\r\n X-Lead: a\r\n\r\n" + next, refuse: true},
		{name: "space before colon", raw: "GET / HTTP/1.1\r\nHost : a\r\n\r\n" + next, refuse: true},
		{name: "space before colon of Transfer-Encoding", raw: "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + next, refuse: true},
		{name: "tab before colon", raw: "GET / HTTP/1.1\r\nHost: a\r\nX\t: y\r\n\r\n" + next, refuse: true},
		{name: "bare LF line endings", raw: "GET / HTTP/1.1\nHost: a\n\n" + next},
		{name: "one bare LF", raw: "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n" + next},
		{name: "bare CR in a value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n" + next, refuse: true},
		{name: "CR before CRLF", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\r\n\r\n" + next, refuse: true},
		{name: "NUL in a value", raw: "GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n" + next, refuse: true},
		{name: "invalid name byte @", raw: "GET / HTTP/1.1\r\nHost: a\r\nX@Y: 1\r\n\r\n" + next, refuse: true},
		{name: "control byte in a name", raw: "GET / HTTP/1.1\r\nHost: a\r\nX\x01Y: 1\r\n\r\n" + next, refuse: true},
		{name: "non-ASCII name", raw: "GET / HTTP/1.1\r\nHost: a\r\nX\xe9: 1\r\n\r\n" + next, refuse: true},
		{name: "empty name", raw: "GET / HTTP/1.1\r\nHost: a\r\n: 1\r\n\r\n" + next, refuse: true},
		{name: "control byte in the target", raw: "GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n" + next, refuse: true},
		{name: "double space in the request line", raw: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n" + next, refuse: true},
		{name: "lower-case version", raw: "GET / http/1.1\r\nHost: a\r\n\r\n" + next, refuse: true},
		{name: "HTTP/1.2", raw: "GET / HTTP/1.2\r\nHost: a\r\n\r\n" + next},
		{name: "HTTP/2.0 on HTTP/1 syntax", raw: "GET / HTTP/2.0\r\nHost: a\r\n\r\n" + next, refuse: true},
	}
	exchange := func(t *testing.T, addr, raw string) (answers []string, servedBy []string) {
		c := dial(t, addr)
		c.write(raw)
		c.closeWrite()
		for range 5 {
			resp, body, err := c.read("GET")
			if err != nil {
				break
			}
			answers = append(answers, fmt.Sprintf("%d %s", resp.StatusCode, body))
			servedBy = append(servedBy, resp.Header.Get(servedByHeader))
		}
		return answers, servedBy
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, _ := exchange(t, servers["std"].addr, tc.raw)
			got, served := exchange(t, servers["h1"].addr, tc.raw)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("request %q:\n  net/http answers %q\n  h1 answers       %q", tc.raw, want, got)
			}
			if tc.refuse && len(want) > 0 && !strings.HasPrefix(want[0], "4") && !strings.HasPrefix(want[0], "5") {
				t.Errorf("net/http answered %q, want a refusal (the test's expectation is wrong)", want[0])
			}
			for i, s := range served {
				switch {
				case tc.lean && s != "h1":
					t.Errorf("answer %d (%q) served by %q, want the lean loop", i+1, got[i], s)
				case !tc.lean && s == "h1":
					t.Errorf("answer %d (%q) served by the lean loop, want net/http", i+1, got[i])
				}
			}
		})
	}
}

var gzipHello = func() string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, "hello")
	zw.Close()
	return b.String()
}()

const noCL = -2 // framingCase.cl: do not check Content-Length

type framingCase struct {
	name      string
	method    string // GET when empty
	h         http.HandlerFunc
	status    int // 200 when zero
	body      string
	cl        int64 // resp.ContentLength; -1 for none/chunked, noCL to skip
	chunked   bool
	header    map[string]string // "" wants the header absent, "*" present
	trailer   map[string]string // "" wants the trailer absent, "*" present
	shortBody bool              // the body ends early and the connection closes
	closes    bool              // the server closes after a complete answer
	writeErr  error             // what the handler's Write returned (sent on writeErrs)
	writeErrs chan error
	bug       string // Regression: what the lean loop once did instead
}

func TestResponseFraming(t *testing.T) {
	writeErrs := make(chan error, 1)
	html := "<!DOCTYPE html><html><body>hi</body></html>"
	bigHTML := "<!DOCTYPE html><html><body>" + pattern(3000) + "</body></html>"
	cases := []framingCase{
		{name: "small body gets Content-Length", body: "hello", cl: 5,
			h: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }},
		{name: "small body in several writes", body: "hello world", cl: 11,
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte("hello"))
				io.WriteString(w, " ")
				fmt.Fprint(w, "world")
			}},
		{name: "empty handler", body: "", cl: 0,
			h: func(w http.ResponseWriter, r *http.Request) {}},
		{name: "status without body", status: 500, body: "", cl: 0,
			h: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }},
		{name: "201 with body", status: 201, body: "made", cl: 4,
			h: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201); io.WriteString(w, "made") }},
		{name: "body of exactly 2048 bytes", body: pattern(2048), cl: 2048,
			h: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, pattern(2048)) }},
		{name: "body of 2049 bytes in one write is chunked", body: pattern(2049), cl: -1, chunked: true,
			h: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, pattern(2049)) }},
		{name: "body of 5000 bytes in small writes is chunked", body: pattern(5000), cl: -1, chunked: true,
			h: func(w http.ResponseWriter, r *http.Request) {
				p := pattern(5000)
				for i := 0; i < len(p); i += 100 {
					w.Write([]byte(p[i : i+100]))
				}
			}},
		{name: "handler Content-Length honoured", body: pattern(5000), cl: 5000,
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "5000")
				p := pattern(5000)
				for i := 0; i < len(p); i += 1000 {
					io.WriteString(w, p[i:i+1000])
				}
			}},
		{name: "handler Content-Length, small body", body: "abc", cl: 3,
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "3")
				io.WriteString(w, "abc")
			}},
		{name: "fewer bytes than Content-Length closes", cl: 10, shortBody: true,
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "10")
				io.WriteString(w, "abcd")
			}},
		{name: "more bytes than Content-Length is refused", cl: 3, shortBody: true, writeErr: http.ErrContentLength,
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "3")
				_, err := io.WriteString(w, "hello")
				writeErrs <- err
			}},
		{name: "HEAD gets no body", method: "HEAD", body: "", cl: 5,
			h: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }},
		{name: "HEAD of a large body gets no body", method: "HEAD", body: "", cl: noCL,
			h: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, pattern(5000)) }},
		{name: "HEAD with handler Content-Length", method: "HEAD", body: "", cl: 1234,
			h: func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Content-Length", "1234") }},
		{name: "HEAD gets the Content-Type GET would", method: "HEAD", body: "", cl: int64(len(html)),
			header: map[string]string{"Content-Type": "text/html; charset=utf-8"},
			bug:    "the lean loop does not sniff Content-Type for HEAD (no Content-Type header at all), net/http sniffs what the handler wrote",
			h:      func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, html) }},
		{name: "204 has no body or framing", status: 204, body: "", cl: 0, writeErr: http.ErrBodyNotAllowed,
			header: map[string]string{"Content-Length": "", "Transfer-Encoding": ""},
			h: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(204)
				_, err := io.WriteString(w, "nope")
				writeErrs <- err
			}},
		{name: "304 has no body", status: 304, body: "", cl: 0, writeErr: http.ErrBodyNotAllowed,
			header: map[string]string{"Transfer-Encoding": "", "Etag": `"v1"`},
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", `"v1"`)
				w.WriteHeader(304)
				_, err := io.WriteString(w, "nope")
				writeErrs <- err
			}},
		{name: "declared trailer", body: "abc", cl: -1, chunked: true, trailer: map[string]string{"X-Sum": "42"},
			header: map[string]string{"X-Sum": ""},
			bug:    "the lean loop also sends the trailer's value in the head (X-Sum: 42): the head is written from the live header map when the handler returns",
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Trailer", "X-Sum")
				io.WriteString(w, "abc")
				w.Header().Set("X-Sum", "42")
			}},
		{name: "TrailerPrefix trailer after a large body", body: pattern(3000), cl: -1, chunked: true,
			trailer: map[string]string{"X-Late": "late"},
			h: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, pattern(3000))
				w.Header().Set(http.TrailerPrefix+"X-Late", "late")
			}},
		{name: "TrailerPrefix key set before a small body", body: "abc", cl: -1, chunked: true,
			trailer: map[string]string{"X-Late": "late"},
			bug:     "the lean loop sends Content-Length: 3 and drops the trailer: commit only counts keys of the Trailer header, not http.TrailerPrefix keys, when choosing chunked",
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set(http.TrailerPrefix+"X-Late", "pending")
				io.WriteString(w, "abc")
				w.Header().Set(http.TrailerPrefix+"X-Late", "late")
			}},
		{name: "header set after Write has no effect", body: "ok", cl: 2,
			header: map[string]string{"X-After": ""},
			bug:    "the lean loop sends X-After: the head of a held body is written from the live header map when the handler returns (net/http: changes after WriteHeader/Write have no effect)",
			h: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "ok")
				w.Header().Set("X-After", "1")
			}},
		{name: "trailer value with CRLF", body: "abc", cl: -1, chunked: true,
			trailer: map[string]string{"X-T": "*", "X-Evil": ""},
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Trailer", "X-T")
				io.WriteString(w, "abc")
				w.Header().Set("X-T", "a\r\nX-Evil: 1")
			}},
		{name: "Content-Type sniffed", body: html, cl: int64(len(html)),
			header: map[string]string{"Content-Type": "text/html; charset=utf-8"},
			h:      func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, html) }},
		{name: "Content-Type sniffed from a large first write", body: bigHTML, cl: -1, chunked: true,
			header: map[string]string{"Content-Type": "text/html; charset=utf-8"},
			bug:    "the lean loop sends no Content-Type: commit sniffs only the held bytes, and a first write over 2048 bytes is not held",
			h:      func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, bigHTML) }},
		{name: "Content-Type kept", body: `{"a":1}`, cl: 7,
			header: map[string]string{"Content-Type": "application/json"},
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"a":1}`)
			}},
		{name: "Content-Type key present but nil suppresses sniffing", body: html, cl: int64(len(html)),
			header: map[string]string{"Content-Type": ""},
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = nil
				io.WriteString(w, html)
			}},
		{name: "no sniffing with Content-Encoding", body: gzipHello, cl: int64(len(gzipHello)),
			header: map[string]string{"Content-Type": "", "Content-Encoding": "gzip"},
			bug:    `the lean loop sniffs anyway and sends Content-Type: application/x-gzip (net/http skips sniffing when Content-Encoding is set, Go issue 31753)`,
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				io.WriteString(w, gzipHello)
			}},
		{name: "header value with CRLF does not split the head", body: "ok", cl: 2,
			header: map[string]string{"X-Test": "*", "X-Evil": ""},
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Test", "a\r\nX-Evil: 1")
				io.WriteString(w, "ok")
			}},
		{name: "header value with bare LF and CR", body: "ok", cl: 2,
			header: map[string]string{"X-Lf": "*", "X-Cr": "*", "X-Evil": ""},
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Lf", "a\nX-Evil: 1")
				w.Header().Set("X-Cr", "b\rX-Evil: 2")
				io.WriteString(w, "ok")
			}},
		{name: "invalid header names dropped", body: "ok", cl: 2,
			header: map[string]string{"X-Good": "yes"},
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Bad Name"] = []string{"v"}
				w.Header()["Bad:Name"] = []string{"v"}
				w.Header()["X-Bad\r\nX-Evil"] = []string{"v"}
				w.Header().Set("X-Good", "yes")
				io.WriteString(w, "ok")
			}},
		{name: "Date added", body: "ok", cl: 2,
			h: func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }},
		{name: "handler Date kept", body: "ok", cl: 2,
			header: map[string]string{"Date": "Mon, 01 Jan 2001 00:00:00 GMT"},
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Date", "Mon, 01 Jan 2001 00:00:00 GMT")
				io.WriteString(w, "ok")
			}},
		{name: "handler Connection: close", body: "bye", cl: 3, closes: true,
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Connection", "close")
				io.WriteString(w, "bye")
			}},
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "pong") })
	for i := range cases {
		mux.Handle("/f/"+strconv.Itoa(i), marked(cases[i].h))
		cases[i].writeErrs = writeErrs
	}
	servers := startBoth(t, mux)
	for i, tc := range cases {
		for _, impl := range impls {
			t.Run(tc.name+"/"+impl, func(t *testing.T) {
				checkFraming(t, servers[impl].addr, impl, "/f/"+strconv.Itoa(i), tc)
				if t.Failed() && tc.bug != "" && impl == "h1" {
					t.Logf("regression: %s", tc.bug)
				}
			})
		}
	}
}

func checkFraming(t *testing.T, addr, impl, path string, tc framingCase) {
	method := tc.method
	if method == "" {
		method = "GET"
	}
	status := tc.status
	if status == 0 {
		status = 200
	}
	c := dial(t, addr)
	c.write(req(method, path))
	resp, body, err := c.read(method)
	if resp == nil {
		t.Fatalf("no response: %v", err)
	}
	if tc.shortBody {
		if err == nil {
			t.Errorf("body %q read completely, want it cut short", body)
		}
	} else if err != nil {
		t.Errorf("reading the body: %v", err)
	}
	if resp.StatusCode != status {
		t.Errorf("status %d, want %d", resp.StatusCode, status)
	}
	if !tc.shortBody && body != tc.body {
		t.Errorf("body of %d bytes %.40q, want %d bytes %.40q", len(body), body, len(tc.body), tc.body)
	}
	if sb := resp.Header.Get(servedByHeader); sb != impl && status != 304 {
		t.Errorf("served by %q, want %q", sb, impl)
	}
	if tc.cl != noCL && resp.ContentLength != tc.cl {
		t.Errorf("Content-Length %d, want %d", resp.ContentLength, tc.cl)
	}
	chunked := len(resp.TransferEncoding) == 1 && resp.TransferEncoding[0] == "chunked"
	if chunked != tc.chunked {
		t.Errorf("chunked = %v (Transfer-Encoding %q), want %v", chunked, resp.TransferEncoding, tc.chunked)
	}
	if resp.Header.Get("Date") == "" {
		t.Errorf("no Date header")
	}
	for k, want := range tc.header {
		vv, ok := resp.Header[k]
		switch {
		case want == "" && ok:
			t.Errorf("header %s: %q, want none", k, vv)
		case want == "*":
			if len(vv) != 1 {
				t.Errorf("header %s: %q, want one value", k, vv)
			}
		case want != "" && (len(vv) != 1 || vv[0] != want):
			t.Errorf("header %s: %q, want %q", k, vv, want)
		}
	}
	for k, want := range tc.trailer {
		vv, ok := resp.Trailer[k]
		switch {
		case want == "" && ok:
			t.Errorf("trailer %s: %q, want none", k, vv)
		case want == "*":
			if len(vv) != 1 {
				t.Errorf("trailer %s: %q, want one value", k, vv)
			}
		case want != "" && (len(vv) != 1 || vv[0] != want):
			t.Errorf("trailer %s: %q, want %q (trailers %v)", k, vv, want, resp.Trailer)
		}
	}
	if tc.writeErr != nil {
		if err := recv(t, "the handler's write error", tc.writeErrs); !errors.Is(err, tc.writeErr) {
			t.Errorf("the handler's Write returned %v, want %v", err, tc.writeErr)
		}
	}
	if tc.closes && !resp.Close {
		t.Errorf("the response lacks Connection: close")
	}
	if tc.shortBody || tc.closes {
		c.expectClosed()
		return
	}
	if resp.Close {
		t.Errorf("the response closes the connection")
	}
	// The connection is still in step: no stray body bytes.
	resp, body = c.roundTrip("GET", get("/ping"))
	if resp.StatusCode != 200 || body != "pong" {
		t.Errorf("follow-up: %d %q, want 200 pong", resp.StatusCode, body)
	}
}

func TestFlushSendsBeforeHandlerReturns(t *testing.T) {
	cases := []struct {
		name  string
		flush func(w http.ResponseWriter) error
		first string // written before the flush
	}{
		{name: "Flush before any body", flush: func(w http.ResponseWriter) error { w.(http.Flusher).Flush(); return nil }},
		{name: "write then Flush", first: "first", flush: func(w http.ResponseWriter) error { w.(http.Flusher).Flush(); return nil }},
		{name: "ResponseController Flush", first: "first", flush: func(w http.ResponseWriter) error { return http.NewResponseController(w).Flush() }},
	}
	for _, tc := range cases {
		for _, impl := range impls {
			t.Run(tc.name+"/"+impl, func(t *testing.T) {
				release := make(chan struct{})
				var once sync.Once
				rel := func() { once.Do(func() { close(release) }) }
				t.Cleanup(rel)
				flushErr := make(chan error, 1)
				h := marked(func(w http.ResponseWriter, r *http.Request) {
					io.WriteString(w, tc.first)
					flushErr <- tc.flush(w)
					<-release
					io.WriteString(w, "second")
				})
				var ts *testServer
				if impl == "h1" {
					ts = startH1(t, h)
				} else {
					ts = startStd(t, h)
				}
				c := dial(t, ts.addr)
				c.write(get("/flush"))
				if err := recv(t, "flush", flushErr); err != nil {
					t.Fatalf("flush: %v", err)
				}
				// The head, and the bytes before the flush, arrive while the
				// handler still waits.
				_ = c.c.SetReadDeadline(time.Now().Add(ioTimeout))
				resp, err := http.ReadResponse(c.br, &http.Request{Method: "GET"})
				if err != nil {
					t.Fatalf("no head before the handler returned: %v", err)
				}
				if resp.Header.Get(servedByHeader) != impl {
					t.Errorf("served by %q", resp.Header.Get(servedByHeader))
				}
				if len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
					t.Errorf("Transfer-Encoding %q, want chunked", resp.TransferEncoding)
				}
				if tc.first != "" {
					buf := make([]byte, len(tc.first))
					if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != tc.first {
						t.Fatalf("before the handler returned: read %q, %v; want %q", buf, err, tc.first)
					}
				}
				rel()
				rest, err := io.ReadAll(resp.Body)
				if err != nil || string(rest) != "second" {
					t.Errorf("rest of the body %q, %v; want %q", rest, err, "second")
				}
			})
		}
	}
}

func TestEarlyHints(t *testing.T) {
	for impl, ts := range startBoth(t, marked(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		io.WriteString(w, "ok")
	})) {
		t.Run(impl, func(t *testing.T) {
			c := dial(t, ts.addr)
			c.write(get("/hints"))
			resp, _ := c.mustRead("GET")
			if resp.StatusCode != 103 || resp.Header.Get("Link") != "</style.css>; rel=preload" {
				t.Fatalf("first answer %d %v, want 103 with Link", resp.StatusCode, resp.Header)
			}
			resp, body := c.mustRead("GET")
			if resp.StatusCode != 200 || body != "ok" {
				t.Errorf("final answer %d %q, want 200 ok", resp.StatusCode, body)
			}
		})
	}
}

func TestConnectionClose(t *testing.T) {
	h := marked(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("close") {
			w.Header().Set("Connection", r.URL.Query().Get("close"))
		}
		io.WriteString(w, "ok")
	})
	cases := []struct {
		name  string
		raw   string
		close bool
	}{
		{name: "client Connection: close", raw: get("/", "Connection: close"), close: true},
		{name: "client connection: CLOSE", raw: get("/", "connection: CLOSE"), close: true},
		{name: "client Connection: keep-alive", raw: get("/", "Connection: keep-alive")},
		{name: "handler Connection: close", raw: get("/?close=close"), close: true},
		{name: "handler Connection: keep-alive is no close", raw: get("/?close=keep-alive")},
	}
	servers := startBoth(t, h)
	for _, tc := range cases {
		for _, impl := range impls {
			t.Run(tc.name+"/"+impl, func(t *testing.T) {
				c := dial(t, servers[impl].addr)
				resp, body := c.roundTrip("GET", tc.raw)
				if resp.StatusCode != 200 || body != "ok" || resp.Header.Get(servedByHeader) != impl {
					t.Fatalf("got %d %q served by %q", resp.StatusCode, body, resp.Header.Get(servedByHeader))
				}
				if !tc.close {
					if resp.Close {
						t.Errorf("response has Connection: close")
					}
					resp, body := c.roundTrip("GET", get("/"))
					if resp.StatusCode != 200 || body != "ok" {
						t.Errorf("follow-up: %d %q", resp.StatusCode, body)
					}
					return
				}
				if !resp.Close {
					t.Errorf("the response lacks Connection: close")
				}
				c.expectClosed()
			})
		}
	}
}

func TestClientDisconnectCancelsContext(t *testing.T) {
	cases := []struct {
		name    string
		opts    []serverOpt
		waitFor time.Duration // before the client closes
	}{
		{name: "close before the watch starts", opts: []serverOpt{withWatchAfter(5 * time.Millisecond)}},
		{name: "close while watched", opts: []serverOpt{withWatchAfter(2 * time.Millisecond)}, waitFor: 30 * time.Millisecond},
		{name: "close while watched with timeouts", opts: []serverOpt{withWatchAfter(2 * time.Millisecond), withTimeouts()}, waitFor: 30 * time.Millisecond},
		{name: "default WatchAfter", waitFor: 3 * DefaultWatchAfter},
	}
	for _, tc := range cases {
		for _, impl := range impls {
			t.Run(tc.name+"/"+impl, func(t *testing.T) {
				started := make(chan struct{}, 1)
				result := make(chan error, 1)
				h := marked(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != "/wait" {
						io.WriteString(w, "ok")
						return
					}
					started <- struct{}{}
					select {
					case <-r.Context().Done():
						result <- r.Context().Err()
					case <-time.After(2 * ioTimeout):
						result <- errors.New("the request context was not cancelled")
					}
				})
				var ts *testServer
				if impl == "h1" {
					ts = startH1(t, h, tc.opts...)
				} else {
					ts = startStd(t, h, tc.opts...)
				}
				c := dial(t, ts.addr)
				c.write(get("/wait"))
				recv(t, "handler start", started)
				time.Sleep(tc.waitFor) // lets the watch start, for coverage only
				c.c.Close()
				select {
				case err := <-result:
					if !errors.Is(err, context.Canceled) {
						t.Errorf("handler saw %v, want context.Canceled", err)
					}
				case <-time.After(ioTimeout):
					t.Fatalf("the handler's context was not cancelled within %v of the client leaving", ioTimeout)
				}
				// The server still serves.
				resp, body := dial(t, ts.addr).roundTrip("GET", get("/other"))
				if resp.StatusCode != 200 || body != "ok" {
					t.Errorf("next connection: %d %q", resp.StatusCode, body)
				}
			})
		}
	}
}

// Regression: a client that half-closes after its request (shutdown(SHUT_WR),
// as `nc -N` or some health checkers do) still gets its answer, as with
// net/http; the lean loop's watch once took the EOF for the client gone and
// dropped the answer of a request that ran longer than WatchAfter.
func TestHalfClosedClientStillGetsAnswer(t *testing.T) {
	h := marked(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(50 * time.Millisecond) // longer than WatchAfter
		io.WriteString(w, "done")
	})
	for impl, ts := range startBoth(t, h, withWatchAfter(2*time.Millisecond), withTimeouts()) {
		t.Run(impl, func(t *testing.T) {
			c := dial(t, ts.addr)
			c.write(get("/slow"))
			c.closeWrite()
			resp, body, err := c.read("GET")
			if err != nil {
				t.Fatalf("request %q then half-close: no answer (%v); net/http answers 200 %q", get("/slow"), err, "done")
			}
			if resp.StatusCode != 200 || body != "done" {
				t.Errorf("got %d %q, want 200 done", resp.StatusCode, body)
			}
		})
	}
}

// A request long enough to be watched must leave the connection usable,
// and must not be cancelled while its client waits.
func TestKeepAliveAfterWatchedRequest(t *testing.T) {
	h := marked(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(30 * time.Millisecond)
		}
		fmt.Fprintf(w, "%s ctx=%v", r.URL.Path, r.Context().Err())
	})
	cases := []struct {
		name string
		opts []serverOpt
		bug  string
	}{
		{name: "with timeouts", opts: []serverOpt{withWatchAfter(time.Millisecond), withTimeouts()}},
		// Regression: with no ReadHeaderTimeout/ReadTimeout/IdleTimeout (a
		// plain &http.Server{Handler: h}), serve once set no read deadline
		// for the next request, so the aLongTimeAgo deadline endWatch left
		// made the next Peek fail at once and closed the connection.
		{name: "without timeouts", opts: []serverOpt{withWatchAfter(time.Millisecond)},
			bug: "connection closed after a watched request when Std has no timeouts"},
	}
	for _, tc := range cases {
		for _, impl := range impls {
			t.Run(tc.name+"/"+impl, func(t *testing.T) {
				var ts *testServer
				if impl == "h1" {
					ts = startH1(t, h, tc.opts...)
				} else {
					ts = startStd(t, h, tc.opts...)
				}
				c := dial(t, ts.addr)
				for i, path := range []string{"/slow", "/slow", "/fast"} {
					c.write(get(path))
					resp, body, err := c.read("GET")
					if err != nil {
						t.Fatalf("request %d (%s) on the kept-alive connection: %v (%s)", i+1, path, err, tc.bug)
					}
					if want := path + " ctx=<nil>"; body != want || resp.Close {
						t.Errorf("request %d: %q (close %v), want %q", i+1, body, resp.Close, want)
					}
				}
			})
		}
	}
}

// Regression: net/http resets the read deadline before each request; the
// lean loop once did not when Std had no timeouts, so a deadline a handler
// set through http.ResponseController outlived its request and ended the
// connection.
func TestHandlerReadDeadlineDoesNotOutliveRequest(t *testing.T) {
	h := marked(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/deadline" {
			if err := http.NewResponseController(w).SetReadDeadline(time.Now()); err != nil {
				t.Errorf("SetReadDeadline: %v", err)
			}
		}
		io.WriteString(w, "ok "+r.URL.Path)
	})
	for impl, ts := range startBoth(t, h) {
		t.Run(impl, func(t *testing.T) {
			c := dial(t, ts.addr)
			c.roundTrip("GET", get("/deadline"))
			c.write(get("/next"))
			resp, body, err := c.read("GET")
			if err != nil {
				t.Fatalf("the request after one that set a read deadline: %v", err)
			}
			if body != "ok /next" || resp.Header.Get(servedByHeader) != impl {
				t.Errorf("got %q by %q", body, resp.Header.Get(servedByHeader))
			}
		})
	}
}

func TestResponseControllerOnLeanPath(t *testing.T) {
	ts := startH1(t, marked(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		var errs []string
		for name, f := range map[string]func() error{
			"SetWriteDeadline": func() error { return rc.SetWriteDeadline(time.Now().Add(ioTimeout)) },
			"SetReadDeadline":  func() error { return rc.SetReadDeadline(time.Now().Add(ioTimeout)) },
			"EnableFullDuplex": rc.EnableFullDuplex,
		} {
			if err := f(); err != nil {
				errs = append(errs, name+": "+err.Error())
			}
		}
		io.WriteString(w, "x")
		if err := rc.Flush(); err != nil {
			errs = append(errs, "Flush: "+err.Error())
		}
		// Clear the deadlines again for the follow-up request.
		rc.SetReadDeadline(time.Time{})
		rc.SetWriteDeadline(time.Time{})
		io.WriteString(w, " errs="+strings.Join(errs, ","))
	}))
	c := dial(t, ts.addr)
	for range 2 {
		resp, body := c.roundTrip("GET", get("/rc"))
		if body != "x errs=" || resp.Header.Get(servedByHeader) != "h1" {
			t.Errorf("got %q by %q, want %q by h1", body, resp.Header.Get(servedByHeader), "x errs=")
		}
	}
}

// A write deadline in the past makes the answer fail: the deadline really
// applies to the lean connection.
func TestSetWriteDeadlineApplies(t *testing.T) {
	writeErr := make(chan error, 1)
	ts := startH1(t, marked(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if err := rc.SetWriteDeadline(time.Now().Add(-time.Second)); err != nil {
			writeErr <- err
			return
		}
		io.WriteString(w, "x")
		writeErr <- rc.Flush()
	}))
	c := dial(t, ts.addr)
	c.write(get("/late"))
	if err := recv(t, "handler", writeErr); err == nil {
		t.Errorf("Flush after the write deadline passed succeeded")
	}
	c.expectClosed()
}

func TestPanicClosesConnection(t *testing.T) {
	h := marked(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/panic":
			panic("boom-now")
		case "/panic-after-write":
			io.WriteString(w, "held")
			panic("boom-held")
		case "/panic-after-flush":
			io.WriteString(w, "part")
			w.(http.Flusher).Flush()
			panic("boom-flushed")
		case "/abort":
			io.WriteString(w, "held")
			panic(http.ErrAbortHandler)
		}
		io.WriteString(w, "ok")
	})
	cases := []struct {
		path    string
		head    bool   // a head arrives (flushed before the panic)
		logWant string // in the lean loop's log
	}{
		{path: "/panic", logWant: "boom-now"},
		{path: "/panic-after-write", logWant: "boom-held"},
		{path: "/panic-after-flush", head: true, logWant: "boom-flushed"},
		{path: "/abort"},
	}
	for _, tc := range cases {
		for _, impl := range impls {
			t.Run(strings.TrimPrefix(tc.path, "/")+"/"+impl, func(t *testing.T) {
				logs := &syncBuffer{}
				var ts *testServer
				if impl == "h1" {
					ts = startH1(t, h, withLog(slog.New(slog.NewTextHandler(logs, nil))))
				} else {
					ts = startStd(t, h)
				}
				c := dial(t, ts.addr)
				c.roundTrip("GET", get("/ok")) // a kept-alive connection
				c.write(get(tc.path))
				resp, body, err := c.read("GET")
				switch {
				case tc.head && resp == nil:
					t.Errorf("no head: %v", err)
				case tc.head && err == nil:
					t.Errorf("the body %q ended cleanly after a panic", body)
				case !tc.head && resp != nil:
					t.Errorf("an answer %d %q after a panic, want none", resp.StatusCode, body)
				}
				c.expectClosed()
				resp, body = dial(t, ts.addr).roundTrip("GET", get("/ok"))
				if resp.StatusCode != 200 || body != "ok" {
					t.Errorf("next connection: %d %q", resp.StatusCode, body)
				}
				if impl != "h1" {
					return
				}
				log := logs.String()
				if tc.logWant != "" && !strings.Contains(log, tc.logWant) {
					t.Errorf("log %q lacks %q", log, tc.logWant)
				}
				if tc.logWant == "" && log != "" {
					t.Errorf("http.ErrAbortHandler logged: %q", log)
				}
			})
		}
	}
}

func TestShutdownClosesIdleConnections(t *testing.T) {
	for _, impl := range impls {
		t.Run(impl, func(t *testing.T) {
			h := marked(func(w http.ResponseWriter, r *http.Request) {
				io.ReadAll(r.Body)
				io.WriteString(w, "ok")
			})
			var ts *testServer
			if impl == "h1" {
				ts = startH1(t, h)
			} else {
				ts = startStd(t, h)
			}
			lean := dial(t, ts.addr)
			lean.roundTrip("GET", get("/"))
			handed := dial(t, ts.addr) // handed off to net/http by its body
			handed.roundTrip("POST", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi")
			var fresh *client
			if impl == "h1" {
				// No request yet. (net/http leaves such a connection for
				// 5 s before Shutdown takes it as idle.)
				fresh = dial(t, ts.addr)
			}

			ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
			defer cancel()
			if err := shutdown(ts, ctx); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			lean.expectClosed()
			handed.expectClosed()
			if fresh != nil {
				fresh.expectClosed()
			}
			if err := ts.waitServe(t); !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
			}
			if c, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
				c.Close()
				t.Errorf("the listener still accepts after Shutdown")
			}
		})
	}
}

func shutdown(ts *testServer, ctx context.Context) error {
	if ts.srv != nil {
		return ts.srv.Shutdown(ctx)
	}
	return ts.std.Shutdown(ctx)
}

func TestShutdownLetsRunningRequestFinish(t *testing.T) {
	for _, impl := range impls {
		t.Run(impl, func(t *testing.T) {
			started := make(chan struct{}, 1)
			release := make(chan struct{})
			var once sync.Once
			rel := func() { once.Do(func() { close(release) }) }
			t.Cleanup(rel)
			h := marked(func(w http.ResponseWriter, r *http.Request) {
				started <- struct{}{}
				<-release
				io.WriteString(w, "finished")
			})
			var ts *testServer
			if impl == "h1" {
				ts = startH1(t, h)
			} else {
				ts = startStd(t, h)
			}
			c := dial(t, ts.addr)
			c.write(get("/slow"))
			recv(t, "handler start", started)

			shutErr := make(chan error, 1)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
				defer cancel()
				shutErr <- shutdown(ts, ctx)
			}()
			// Serve returns at once, as net/http's does; Shutdown waits.
			if err := ts.waitServe(t); !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
			}
			select {
			case err := <-shutErr:
				t.Fatalf("Shutdown returned (%v) while a request was running", err)
			case <-time.After(50 * time.Millisecond):
			}
			rel()
			resp, body := c.mustRead("GET")
			if resp.StatusCode != 200 || body != "finished" {
				t.Errorf("the running request's answer: %d %q", resp.StatusCode, body)
			}
			if err := recv(t, "Shutdown", shutErr); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			c.expectClosed()
			// Regression: the client is told that the connection ends
			// (Connection: close, as keep-alives are off once Shutdown
			// began), as net/http does.
			t.Run("answer has Connection: close", func(t *testing.T) {
				if !resp.Close {
					t.Errorf("the answer finished during Shutdown lacks Connection: close (headers %v)", resp.Header)
				}
			})
		})
	}
}

func TestCloseCutsConnections(t *testing.T) {
	started := make(chan struct{}, 1)
	ended := make(chan error, 1)
	h := marked(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/block" {
			started <- struct{}{}
			select {
			case <-r.Context().Done():
				ended <- r.Context().Err()
			case <-time.After(2 * ioTimeout):
				ended <- errors.New("not cancelled")
			}
			return
		}
		io.ReadAll(r.Body)
		io.WriteString(w, "ok")
	})
	ts := startH1(t, h, withWatchAfter(time.Millisecond))
	idle := dial(t, ts.addr)
	idle.roundTrip("GET", get("/"))
	handed := dial(t, ts.addr)
	handed.roundTrip("POST", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi")
	busy := dial(t, ts.addr)
	busy.write(get("/block"))
	recv(t, "handler start", started)

	if err := ts.srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := ts.waitServe(t); !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
	}
	idle.expectClosed()
	handed.expectClosed()
	busy.expectClosed()
	if err := recv(t, "handler end", ended); !errors.Is(err, context.Canceled) {
		t.Errorf("the running handler saw %v, want context.Canceled", err)
	}
}

func TestServeAfterShutdownAndTwice(t *testing.T) {
	s := &Server{Std: newStd(http.NotFoundHandler())}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown before Serve: %v", err)
	}
	ln := listen(t)
	defer ln.Close()
	if err := s.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve after Shutdown: %v, want http.ErrServerClosed", err)
	}

	ts := startH1(t, http.NotFoundHandler())
	dial(t, ts.addr).roundTrip("GET", get("/")) // Serve is running
	ln2 := listen(t)
	defer ln2.Close()
	second := make(chan error, 1)
	go func() { second <- ts.srv.Serve(ln2) }()
	if err := recv(t, "second Serve", second); err == nil || errors.Is(err, http.ErrServerClosed) {
		t.Errorf("second Serve: %v, want an error", err)
	}
}

// Regression: net/http puts the *http.Server in every request's context
// under http.ServerContextKey (http.Server.Serve); the lean loop's context,
// which it also hands to net/http for handed-off connections, once lacked
// it.
func TestServerContextKey(t *testing.T) {
	type result struct {
		served string
		srv    *http.Server
	}
	got := make(chan result, 4)
	h := marked(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		s, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
		got <- result{servedBy(w), s}
		io.WriteString(w, "ok")
	})
	for impl, ts := range startBoth(t, h) {
		t.Run(impl, func(t *testing.T) {
			c := dial(t, ts.addr)
			c.roundTrip("GET", get("/"))
			r := recv(t, "handler", got)
			if r.srv != ts.std {
				t.Errorf("lean request (served by %s): ServerContextKey = %p, want Std %p", r.served, r.srv, ts.std)
			}
			c.roundTrip("POST", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi")
			r = recv(t, "handler", got)
			if r.srv != ts.std {
				t.Errorf("handed-off request (served by %s): ServerContextKey = %p, want Std %p", r.served, r.srv, ts.std)
			}
		})
	}
}

var registerDefaultMux sync.Once

// Regression: net/http serves with http.DefaultServeMux when Std.Handler is
// nil; the lean loop once called the nil Handler, which panicked.
func TestNilHandlerUsesDefaultServeMux(t *testing.T) {
	const path = "/h1-test-default-mux"
	registerDefaultMux.Do(func() {
		http.Handle(path, marked(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "default mux") }))
	})
	for impl, ts := range startBoth(t, nil) {
		t.Run(impl, func(t *testing.T) {
			c := dial(t, ts.addr)
			c.write(get(path))
			resp, body, err := c.read("GET")
			if err != nil {
				t.Fatalf("request %q with Std.Handler nil: %v; net/http answers 200 %q from http.DefaultServeMux", get(path), err, "default mux")
			}
			if resp.StatusCode != 200 || body != "default mux" {
				t.Errorf("got %d %q", resp.StatusCode, body)
			}
		})
	}
}

// slowClearListener's connections take a while to clear a read deadline,
// as when the goroutine doing it is preempted just before the call.
type slowClearListener struct {
	net.Listener
	delay time.Duration
}

func (l slowClearListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return slowClearConn{Conn: c, delay: l.delay}, nil
}

type slowClearConn struct {
	net.Conn
	delay time.Duration
}

func (c slowClearConn) SetReadDeadline(t time.Time) error {
	if t.IsZero() {
		time.Sleep(c.delay)
	}
	return c.Conn.SetReadDeadline(t)
}

// Regression (hang): a request that ends while its watch is starting gets
// its answer. startWatch once cleared the read deadline after marking the
// watch, outside the lock; an endWatch in between had its aLongTimeAgo
// deadline overwritten, the watch's Read blocked with no deadline and
// endWatch waited for it forever. Here clearing the deadline is slowed down
// to make the window certain; without the delay a loop of ~1 ms requests
// with WatchAfter 1 ms hit it after a few hundred to a few thousand
// requests.
func TestRequestEndingWhileItsWatchStarts(t *testing.T) {
	h := marked(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(10 * time.Millisecond) // ends while the watch (2 ms) clears its deadline
		io.WriteString(w, "ok")
	})
	s := &Server{Std: newStd(h), WatchAfter: 2 * time.Millisecond}
	withTimeouts()(s)
	ln := listen(t)
	done := make(chan error, 1)
	go func() { done <- s.Serve(slowClearListener{Listener: ln, delay: 30 * time.Millisecond}) }()
	t.Cleanup(func() {
		s.Close()
		recv(t, "Serve", done)
	})
	c := dial(t, ln.Addr().String())
	c.write(get("/"))
	_ = c.c.SetReadDeadline(time.Now().Add(2 * time.Second))
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		t.Fatalf("request %q ending while its watch starts: no answer within 2 s (%v)", get("/"), err)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != "ok" {
		t.Errorf("body %q", b)
	}
}
