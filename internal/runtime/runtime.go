// Package runtime is Portico's data plane: the shared web server that serves
// what is deployed to one environment. It polls the environment's snapshots
// from a Source, compiles each one once with a Compiler into an immutable
// Compiled value, and swaps it in with an atomic pointer, so a request reads
// the routes without a lock. The last snapshot that compiled is kept on disk
// and served when the control plane cannot be reached at start. The runtime
// never reads the control plane's store.
package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// Config holds the dependencies and settings of a Runtime.
type Config struct {
	// Listen is the address of the shared web server (e.g. 127.0.0.1:9090;
	// port 0 picks a free one). Ignored when Listener is set.
	Listen string
	// Listener, when set, is served instead of listening on Listen; the
	// runtime closes it.
	Listener net.Listener
	// Env is the environment whose snapshots are served (required).
	Env string
	// DataDir holds the snapshot cache in DataDir/runtime/; "" keeps none.
	DataDir string
	// Source fetches the snapshots (required).
	Source Source
	// Compiler turns snapshots into handlers (default NotFoundCompiler).
	Compiler Compiler
	// Logger receives the runtime's events (default: discard).
	Logger *slog.Logger
	// ShutdownTimeout bounds the drain of in-flight requests (default 10s).
	ShutdownTimeout time.Duration
	// RetryMin and RetryMax bound the backoff between failed polls
	// (defaults 500ms and 10s).
	RetryMin, RetryMax time.Duration
	// Wrap, when set, wraps the shared web server's handler: telemetry's
	// metrics, access log and tracing (telemetry.Middleware).
	Wrap func(http.Handler) http.Handler
	// RequestContext, when set, prepares the context of each request the
	// lean HTTP/1.1 loop serves (telemetry's route.Attach, so that Wrap's
	// middleware need not copy the request).
	RequestContext func(context.Context) context.Context
	// StdHTTP serves every connection with net/http's server alone, without
	// the lean HTTP/1.1 loop (package h1) in front of it.
	StdHTTP bool
}

// Defaults of Config.
const (
	DefaultShutdownTimeout = 10 * time.Second
	DefaultRetryMin        = 500 * time.Millisecond
	DefaultRetryMax        = 10 * time.Second
)

// Timeouts of the shared web server. Writes are not bounded here: a process
// may run long, and the dispatcher bounds it (X-Max-Wait).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 1 << 20
)

// Runtime serves one environment. Create it with New, then call Run once.
type Runtime struct {
	cfg   Config
	log   *slog.Logger
	ln    net.Listener
	srv   server
	cache cache
	// listeners are the environment's declared listeners by address; only
	// the update loop touches them, then shutdown once the loop is done.
	listeners map[string]*managedListener

	current atomic.Pointer[Compiled]
	status  atomic.Pointer[Status]

	ready     chan struct{}
	readyOnce sync.Once
	started   atomic.Bool
	closeOnce sync.Once
}

// New checks cfg and binds the listener, so that a busy address fails here.
// Call Run to serve, or Close to give the listener back without serving.
func New(cfg Config) (*Runtime, error) {
	if !model.ValidName(cfg.Env) {
		return nil, fmt.Errorf("runtime: %q is not a valid environment name", cfg.Env)
	}
	if cfg.Source == nil {
		return nil, errors.New("runtime: Config.Source is required")
	}
	if cfg.Compiler == nil {
		cfg.Compiler = NotFoundCompiler{}
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.RetryMin <= 0 {
		cfg.RetryMin = DefaultRetryMin
	}
	if cfg.RetryMax < cfg.RetryMin {
		cfg.RetryMax = max(DefaultRetryMax, cfg.RetryMin)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "runtime", "environment", cfg.Env)
	ln := cfg.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", cfg.Listen); err != nil {
			return nil, fmt.Errorf("runtime: listen on %s: %w", cfg.Listen, err)
		}
	}
	r := &Runtime{
		cfg:       cfg,
		log:       log,
		ln:        ln,
		cache:     newCache(cfg.DataDir, cfg.Env),
		ready:     make(chan struct{}),
		listeners: map[string]*managedListener{},
	}
	r.status.Store(&Status{Environment: cfg.Env})
	r.srv = r.newServer(r, nil)
	return r, nil
}

// Addr is the address the runtime listens on, with the real port when
// Config.Listen asked for port 0.
func (r *Runtime) Addr() string { return r.ln.Addr().String() }

// Ready is closed once a snapshot serves.
func (r *Runtime) Ready() <-chan struct{} { return r.ready }

// Status returns the runtime's current status.
func (r *Runtime) Status() Status { return *r.status.Load() }

// Close gives the listener back when Run was never called. Run closes it
// itself.
func (r *Runtime) Close() error {
	var err error
	r.closeOnce.Do(func() { err = r.ln.Close() })
	return err
}

// Run serves until ctx is cancelled, then stops polling, drains in-flight
// requests for up to Config.ShutdownTimeout and releases the serving
// snapshot's resources. It returns nil after a shutdown asked for by ctx.
func (r *Runtime) Run(ctx context.Context) error {
	if !r.started.CompareAndSwap(false, true) {
		return errors.New("runtime: Run called twice")
	}
	defer r.Close()
	loopCtx, stopLoop := context.WithCancel(ctx)
	defer stopLoop()
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		r.updateLoop(loopCtx)
	}()
	serveErr := make(chan error, 1)
	go func() { serveErr <- r.srv.Serve(r.ln) }()

	var err error
	select {
	case err = <-serveErr:
		err = fmt.Errorf("runtime: serve: %w", err)
	case <-ctx.Done():
	}
	stopLoop()
	<-loopDone
	r.shutdown()
	return err
}

// shutdown drains the server, then lets go of the serving snapshot.
func (r *Runtime) shutdown() {
	shCtx, cancel := context.WithTimeout(context.Background(), r.cfg.ShutdownTimeout)
	defer cancel()
	if err := r.srv.Shutdown(shCtx); err != nil {
		r.log.Warn("requests still running after the drain timeout were cut", "timeout", r.cfg.ShutdownTimeout, "err", err)
		_ = r.srv.Close()
	}
	r.stopListeners()
	// Requests cut above may still be running: their references keep the
	// resources alive until they return.
	if c := r.current.Swap(nil); c != nil {
		c.Close()
	}
}

// acquireCurrent returns the serving Compiled with a reference taken for one
// request, or nil before the first snapshot. The retry covers the instant
// between a swap and the release of the old value.
func (r *Runtime) acquireCurrent() *Compiled {
	for {
		c := r.current.Load()
		if c == nil || c.acquire() {
			return c
		}
	}
}

// publish replaces the status with a changed copy.
func (r *Runtime) publish(change func(*Status)) {
	s := *r.status.Load()
	change(&s)
	r.status.Store(&s)
}
