package h1

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// ioTimeout bounds every read and write a test client makes, so that a
// server that stops answering fails the test instead of hanging it.
const ioTimeout = 5 * time.Second

// servedByHeader is set by the test handlers: "h1" when the lean loop's
// ResponseWriter served the request, "std" when net/http's did.
const servedByHeader = "X-Served-By"

// servedBy names the server behind w.
func servedBy(w http.ResponseWriter) string {
	if strings.Contains(fmt.Sprintf("%T", w), "h1.") {
		return "h1"
	}
	return "std"
}

// marked sets servedByHeader before calling h.
func marked(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(servedByHeader, servedBy(w))
		h(w, r)
	})
}

// testServer is a server on a loopback listener: the lean loop in front of
// net/http, or (ref) net/http alone, as the reference behaviour.
type testServer struct {
	addr string
	srv  *Server // nil for a reference server
	std  *http.Server

	serveDone chan struct{}
	serveErr  error
}

// serverOpt configures a test server; the reference server ignores what
// is not in Std.
type serverOpt func(*Server)

func withWatchAfter(d time.Duration) serverOpt { return func(s *Server) { s.WatchAfter = d } }

func withLog(l *slog.Logger) serverOpt { return func(s *Server) { s.Log = l } }

// withTimeouts gives Std the timeouts the runtime's listeners use (shorter).
func withTimeouts() serverOpt {
	return func(s *Server) {
		s.Std.ReadHeaderTimeout = 10 * time.Second
		s.Std.ReadTimeout = 60 * time.Second
		s.Std.IdleTimeout = 120 * time.Second
	}
}

func newStd(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0)}
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// startH1 serves h with the lean loop on a new loopback listener; the
// server is closed when the test ends.
func startH1(t *testing.T, h http.Handler, opts ...serverOpt) *testServer {
	t.Helper()
	return start(t, h, true, opts)
}

// startStd serves h with net/http alone, configured as startH1 would.
func startStd(t *testing.T, h http.Handler, opts ...serverOpt) *testServer {
	t.Helper()
	return start(t, h, false, opts)
}

func start(t *testing.T, h http.Handler, lean bool, opts []serverOpt) *testServer {
	t.Helper()
	s := &Server{Std: newStd(h)}
	for _, o := range opts {
		o(s)
	}
	ln := listen(t)
	ts := &testServer{addr: ln.Addr().String(), std: s.Std, serveDone: make(chan struct{})}
	serve, stop := s.Std.Serve, s.Std.Close
	if lean {
		ts.srv = s
		serve, stop = s.Serve, s.Close
	}
	go func() {
		defer close(ts.serveDone)
		ts.serveErr = serve(ln)
	}()
	t.Cleanup(func() {
		_ = stop()
		if err := ts.waitServe(t); lean && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
		}
	})
	return ts
}

// startBoth starts a lean server and a reference one with the same
// handler and options, keyed "h1" and "std".
func startBoth(t *testing.T, h http.Handler, opts ...serverOpt) map[string]*testServer {
	return map[string]*testServer{"h1": startH1(t, h, opts...), "std": startStd(t, h, opts...)}
}

// waitServe waits (bounded) for Serve to return and returns its error.
func (ts *testServer) waitServe(t *testing.T) error {
	t.Helper()
	select {
	case <-ts.serveDone:
		return ts.serveErr
	case <-time.After(ioTimeout):
		t.Errorf("Serve did not return within %v", ioTimeout)
		return nil
	}
}

// client is a raw connection to a test server.
type client struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &client{t: t, c: c, br: bufio.NewReader(c)}
}

// write sends the exact bytes s.
func (c *client) write(s string) {
	c.t.Helper()
	_ = c.c.SetWriteDeadline(time.Now().Add(ioTimeout))
	if _, err := io.WriteString(c.c, s); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// closeWrite half-closes the connection: the server reads EOF after what
// was written.
func (c *client) closeWrite() {
	c.t.Helper()
	if err := c.c.(*net.TCPConn).CloseWrite(); err != nil {
		c.t.Fatal(err)
	}
}

// read reads one response to a request of method, and all of its body
// (so that resp.Trailer is complete).
func (c *client) read(method string) (*http.Response, string, error) {
	_ = c.c.SetReadDeadline(time.Now().Add(ioTimeout))
	resp, err := http.ReadResponse(c.br, &http.Request{Method: method})
	if err != nil {
		return nil, "", err
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	return resp, string(b), err
}

// mustRead is read failing the test on an error.
func (c *client) mustRead(method string) (*http.Response, string) {
	c.t.Helper()
	resp, body, err := c.read(method)
	if err != nil {
		c.t.Fatalf("reading the response to %s: %v", method, err)
	}
	return resp, body
}

// roundTrip writes raw and reads one response.
func (c *client) roundTrip(method, raw string) (*http.Response, string) {
	c.t.Helper()
	c.write(raw)
	return c.mustRead(method)
}

// expectClosed fails unless the server closes the connection (EOF or a
// reset) without sending anything more, within ioTimeout.
func (c *client) expectClosed() {
	c.t.Helper()
	if err := c.closed(ioTimeout); err != nil {
		c.t.Error(err)
	}
}

// closed reports nil when the connection ends without further bytes
// within d.
func (c *client) closed(d time.Duration) error {
	_ = c.c.SetReadDeadline(time.Now().Add(d))
	b, err := c.br.ReadByte()
	switch {
	case err == nil:
		rest, _ := c.br.Peek(c.br.Buffered())
		return fmt.Errorf("connection not closed: got more bytes %q", append([]byte{b}, rest...))
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), isReset(err):
		return nil
	default:
		return fmt.Errorf("connection not closed within %v: %v", d, err)
	}
}

func isReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe"))
}

// get is a minimal GET for path with Host h and the extra header lines.
func get(path string, extra ...string) string {
	return req("GET", path, extra...)
}

func req(method, path string, extra ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + path + " HTTP/1.1\r\nHost: h\r\n")
	for _, e := range extra {
		b.WriteString(e + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// recv receives from ch within ioTimeout.
func recv[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(ioTimeout):
		t.Fatalf("%s: nothing within %v", what, ioTimeout)
		panic("unreachable")
	}
}
