package h1

// Regression tests for problems a review of conn.go and server.go found.
// Each runs against the lean loop and, where the behaviour should match,
// net/http alone.

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// emfileListener fails its first Accept with EMFILE, as a process out of
// file descriptors does.
type emfileListener struct {
	net.Listener
	failed atomic.Bool
}

func (l *emfileListener) Accept() (net.Conn, error) {
	if !l.failed.Swap(true) {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: l.Addr(),
			Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// Regression: Serve once backed off only on Timeout() errors; EMFILE and
// ENFILE are not timeouts, so running out of file descriptors (a client
// opening many connections) made Serve return and the listener stopped
// accepting for good. net/http backs off and goes on, and so does Serve.
func TestServeSurvivesEMFILE(t *testing.T) {
	h := marked(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	for _, impl := range impls {
		t.Run(impl, func(t *testing.T) {
			s := &Server{Std: newStd(h)}
			ln := &emfileListener{Listener: listen(t)}
			done := make(chan error, 1)
			go func() {
				if impl == "h1" {
					done <- s.Serve(ln)
				} else {
					done <- s.Std.Serve(ln)
				}
			}()
			t.Cleanup(func() {
				if impl == "h1" {
					s.Close()
				} else {
					s.Std.Close()
				}
				recv(t, "Serve", done)
			})
			select {
			case err := <-done:
				done <- err
				t.Fatalf("Serve returned %v after one EMFILE from Accept; want it to back off and keep serving", err)
			case <-time.After(200 * time.Millisecond):
			}
			c := dial(t, ln.Addr().String())
			if _, body := c.roundTrip("GET", get("/")); body != "ok" {
				t.Errorf("body %q", body)
			}
		})
	}
}

// Regression: startWatch once wrote c.deadlineSet on the timer goroutine
// while the handler may write it through ResponseController.SetReadDeadline:
// a data race, which go test -race reports.
func TestHandlerReadDeadlineDuringWatch(t *testing.T) {
	ts := startH1(t, marked(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond) // the watch (1 ms) has started
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(time.Hour))
		io.WriteString(w, "ok")
	}), withWatchAfter(time.Millisecond))
	c := dial(t, ts.addr)
	if _, body := c.roundTrip("GET", get("/")); body != "ok" {
		t.Errorf("body %q", body)
	}
}

// Regression: readHead once told a keep-alive wait from a first or
// pipelined one by comparing durations, so when IdleTimeout equalled
// ReadHeaderTimeout a head that started late in the idle wait was cut
// short, with no answer. net/http gives the head its full
// ReadHeaderTimeout, and so does the lean loop.
func TestHeadAfterLongIdleGetsFullHeaderTimeout(t *testing.T) {
	h := marked(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	opt := func(s *Server) {
		s.Std.ReadHeaderTimeout = 400 * time.Millisecond
		s.Std.IdleTimeout = 400 * time.Millisecond
	}
	for impl, ts := range startBoth(t, h, opt) {
		t.Run(impl, func(t *testing.T) {
			c := dial(t, ts.addr)
			c.roundTrip("GET", get("/first"))
			time.Sleep(300 * time.Millisecond) // idle, within IdleTimeout
			c.write("GET /second HTTP/1.1\r\n")
			time.Sleep(200 * time.Millisecond) // within ReadHeaderTimeout of the head's start
			if _, err := c.c.Write([]byte("Host: h\r\n\r\n")); err != nil && !errors.Is(err, syscall.EPIPE) {
				t.Logf("write: %v", err)
			}
			if _, body, err := c.read("GET"); err != nil || body != "ok" {
				t.Errorf("a head begun after 300 ms idle and finished 200 ms later: %q, %v", body, err)
			}
		})
	}
}

// TestIdleTimeoutAfterAHandlersDeadline: with only an idle timeout set, a
// keep-alive connection whose handler set a read deadline, followed by a
// pipelined request, still closes after the idle timeout. The deadline the
// loop clears must not pass for the one it armed a moment before.
func TestIdleTimeoutAfterAHandlersDeadline(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/a" {
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(time.Hour))
		}
		io.WriteString(w, "ok")
	})
	ts := startH1(t, h, func(s *Server) { s.Std.IdleTimeout = time.Second })
	c := dial(t, ts.addr)
	c.roundTrip("GET", get("/x"))
	c.write(get("/a") + get("/b"))
	c.mustRead("GET")
	c.mustRead("GET")
	if err := c.closed(10 * time.Second); err != nil {
		t.Fatalf("the idle timeout (1 s) did not end the connection: %v", err)
	}
}

// TestRequestContextPreparesLeanRequests: the hook's value is on the
// context of every request the lean loop serves; a request handed to
// net/http (here one with a body) does without it.
func TestRequestContextPreparesLeanRequests(t *testing.T) {
	t.Parallel()
	type key struct{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := r.Context().Value(key{}).(string)
		io.WriteString(w, "hook="+v)
	})
	ts := startH1(t, h, func(s *Server) {
		s.RequestContext = func(ctx context.Context) context.Context { return context.WithValue(ctx, key{}, "set") }
	})
	c := dial(t, ts.addr)
	for _, tc := range []struct{ method, raw, want string }{
		{"GET", get("/a"), "hook=set"},
		{"GET", get("/b"), "hook=set"},
		{"POST", "POST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi", "hook="},
	} {
		if _, body := c.roundTrip(tc.method, tc.raw); body != tc.want {
			t.Errorf("%q: %q, want %q", tc.raw, body, tc.want)
		}
	}
}
