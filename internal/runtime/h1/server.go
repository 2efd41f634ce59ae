package h1

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// DefaultWatchAfter is how long a request runs before its connection is
// watched for the client going away.
const DefaultWatchAfter = 10 * time.Millisecond

// Server serves plain HTTP/1.1 connections with the lean loop and hands
// the rest to Std. Std's Handler serves both; its ReadHeaderTimeout,
// IdleTimeout and ConnContext apply to the lean loop too. Serve takes over
// Std.ConnContext (the original still runs, once per connection).
type Server struct {
	Std *http.Server
	// Log receives handler panics; nil logs nothing.
	Log *slog.Logger
	// WatchAfter is DefaultWatchAfter when zero.
	WatchAfter time.Duration
	// RequestContext, when set, prepares the context of each request the
	// lean loop serves, before the Request is made: a value a middleware
	// would otherwise add with Request.WithContext, copying the Request.
	// Requests handed to Std do not get it.
	RequestContext func(context.Context) context.Context

	mu       sync.Mutex
	conns    map[*conn]struct{}
	ln       net.Listener
	handoff  *handoffListener
	stdDone  chan struct{}
	contexts sync.Map // net.Conn → context.Context, until Std takes the conn
	closing  atomic.Bool
	connCtx  func(context.Context, net.Conn) context.Context
	handler  http.Handler
	shutOnce sync.Once
}

// Serve accepts connections on ln until Shutdown or Close, then returns
// http.ErrServerClosed. It may be called once.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.ln != nil {
		s.mu.Unlock()
		return errors.New("h1: Serve called twice")
	}
	if s.closing.Load() {
		s.mu.Unlock()
		return http.ErrServerClosed
	}
	s.ln = ln
	s.conns = map[*conn]struct{}{}
	s.handoff = &handoffListener{addr: ln.Addr(), conns: make(chan net.Conn), done: make(chan struct{})}
	s.stdDone = make(chan struct{})
	s.connCtx = s.Std.ConnContext
	s.Std.ConnContext = s.handedContext
	s.handler = s.Std.Handler
	if s.handler == nil {
		s.handler = http.DefaultServeMux
	}
	s.mu.Unlock()

	go func() {
		defer close(s.stdDone)
		_ = s.Std.Serve(s.handoff)
	}()

	base := context.Background()
	if s.Std.BaseContext != nil {
		base = s.Std.BaseContext(ln)
	}
	base = context.WithValue(base, http.ServerContextKey, s.Std)
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return http.ErrServerClosed
			}
			if temporary(err) {
				// Out of descriptors and the like: back off and go on, as
				// net/http does; returning would stop the listener for good.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				if s.Log != nil {
					s.Log.Warn("h1: accept failed; retrying", "err", err, "delay", delay)
				}
				time.Sleep(delay)
				continue
			}
			s.closeHandoff()
			return err
		}
		delay = 0
		ctx := base
		if s.connCtx != nil {
			ctx = s.connCtx(ctx, c)
		}
		if _, isTLS := c.(*tls.Conn); isTLS {
			// TLS, and HTTP/2 through ALPN, are net/http's.
			s.handOff(ctx, c)
			continue
		}
		cn := s.newConn(ctx, c)
		if cn == nil {
			_ = c.Close()
			continue
		}
		go cn.serve()
	}
}

// temporary reports an accept error worth retrying: the ones net/http's
// Temporary() covers, named, since net.Error.Temporary is deprecated.
func temporary(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM,
		syscall.ECONNABORTED, syscall.ECONNRESET, syscall.EINTR, syscall.EAGAIN} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// handedContext is Std's ConnContext: the context the lean loop made for
// the connection when it was accepted.
func (s *Server) handedContext(ctx context.Context, c net.Conn) context.Context {
	if v, ok := s.contexts.LoadAndDelete(c); ok {
		return v.(context.Context)
	}
	return ctx
}

// handOff gives c to Std.
func (s *Server) handOff(ctx context.Context, c net.Conn) {
	s.contexts.Store(c, ctx)
	select {
	case s.handoff.conns <- c:
	case <-s.handoff.done:
		s.contexts.Delete(c)
		_ = c.Close()
	}
}

func (s *Server) newConn(ctx context.Context, c net.Conn) *conn {
	cn := newConn(s, ctx, c)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return nil
	}
	s.conns[cn] = struct{}{}
	return cn
}

func (s *Server) forget(cn *conn) {
	s.mu.Lock()
	delete(s.conns, cn)
	s.mu.Unlock()
}

func (s *Server) watchAfter() time.Duration {
	if s.WatchAfter > 0 {
		return s.WatchAfter
	}
	return DefaultWatchAfter
}

func (s *Server) closeHandoff() {
	s.shutOnce.Do(func() { close(s.handoff.done) })
}

// stopAccepting closes the listener; it reports whether Serve had started.
func (s *Server) stopAccepting() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing.Store(true)
	if s.ln == nil {
		return false
	}
	_ = s.ln.Close()
	s.closeHandoff()
	return true
}

// Shutdown stops accepting, closes idle connections, lets running requests
// finish and drains Std, until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	if !s.stopAccepting() {
		return nil
	}
	stdErr := make(chan error, 1)
	go func() { stdErr <- s.Std.Shutdown(ctx) }()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if s.closeIdle() {
			break
		}
		select {
		case <-ctx.Done():
			err := ctx.Err()
			<-stdErr
			return err
		case <-tick.C:
		}
	}
	err := <-stdErr
	<-s.stdDone
	return err
}

// Close stops accepting and closes every connection now.
func (s *Server) Close() error {
	if !s.stopAccepting() {
		return nil
	}
	s.mu.Lock()
	for cn := range s.conns {
		_ = cn.rwc.Close()
	}
	s.mu.Unlock()
	err := s.Std.Close()
	<-s.stdDone
	return err
}

// closeIdle closes the connections waiting for a request and reports
// whether none is left.
func (s *Server) closeIdle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for cn := range s.conns {
		if cn.state.CompareAndSwap(stateIdle, stateClosed) {
			_ = cn.rwc.Close()
		}
	}
	return len(s.conns) == 0
}

// handoffListener is the net.Listener Std serves: the connections the lean
// loop passed on.
type handoffListener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
}

func (l *handoffListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *handoffListener) Close() error   { return nil }
func (l *handoffListener) Addr() net.Addr { return l.addr }
