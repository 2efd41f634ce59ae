// Package compile turns a snapshot into what the runtime serves: it opens (or
// reuses) the connections, compiles every process of every active package
// once, hands every deployment to each style (style.go: REST, services
// enablement, SOAP, OData, proxies), and returns one immutable handler for
// /ws/. A snapshot that fails to compile
// returns an error and the runtime keeps serving the previous one.
package compile

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/execution"
	"github.com/portico-dev/portico/internal/execution/pool"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/policy"
	"github.com/portico-dev/portico/internal/policy/plan"
	"github.com/portico-dev/portico/internal/policy/ratelimit"
	"github.com/portico-dev/portico/internal/process"
	"github.com/portico-dev/portico/internal/runtime"
)

// Options tune the compiler.
type Options struct {
	Logger *slog.Logger
	// MaxBodyBytes caps request bodies (10 MiB when zero).
	MaxBodyBytes int64
	// TokenKey signs paging tokens; a random key drawn by New when empty,
	// so tokens survive snapshot swaps but not a restart.
	TokenKey []byte
	// Recorder receives the executions of every endpoint (none when nil);
	// records carry the snapshot's environment and RuntimeID.
	Recorder endpoint.Recorder
	// RuntimeID names this runtime instance in the records.
	RuntimeID string
	// RecordLimitBytes caps the documents copied into a record, each way
	// (endpoint.DefaultRecordLimit when zero).
	RecordLimitBytes int
	// JWKSClient fetches the JWKS of JWT listeners (a client with a 10s
	// timeout when nil).
	JWKSClient *http.Client
	// Shared keeps rate limits and quotas for a runtime cluster (Redis);
	// nil counts them in this runtime. Counters outlive snapshots, so a
	// deploy resets no one's.
	Shared SharedLimits
	// OnSharedFailure hears of every failed check of Shared (metrics).
	OnSharedFailure func(error)
	// Dispatcher runs the executions that outlive their request
	// (X-Max-Wait, async endpoints); nil serves everything synchronously.
	Dispatcher *execution.Dispatcher
}

// SharedLimits is a store of rate limits and quotas that runtimes share.
type SharedLimits interface {
	ratelimit.Limiter
	ratelimit.Counter
}

// Compiler implements runtime.Compiler for every API style. It owns the connection pools, which outlive a single
// snapshot: a pool whose connection spec did not change is reused.
type Compiler struct {
	opts  Options
	log   *slog.Logger
	pools *pools
	// jwks holds the JWKS fetchers of the listeners' JWT authentication,
	// shared by the snapshots that use the same provider.
	jwks *policy.JWKSCache
	// local counts limits in this runtime: alone, or when Shared fails
	// and the environment allows it.
	local *localLimits
	// sharedWarned is when a failure of Shared was last logged (unix ns).
	sharedWarned atomic.Int64
	// stop ends the sweeper of the local limiters; swept is closed when
	// it has ended.
	stop, swept chan struct{}
	closeOnce   sync.Once
	// poolStats holds the worker pools of the newest snapshot.
	poolStats atomic.Pointer[[]*pool.Pool]
}

// PoolStats returns the figures of the newest snapshot's worker pools, for
// monitoring.
func (c *Compiler) PoolStats() []pool.Stats {
	ps := c.poolStats.Load()
	if ps == nil {
		return nil
	}
	out := make([]pool.Stats, len(*ps))
	for i, p := range *ps {
		out[i] = p.Stats()
	}
	return out
}

// localLimits are this runtime's own counters.
type localLimits struct {
	*ratelimit.Local
	*ratelimit.LocalCounter
}

var _ runtime.Compiler = (*Compiler)(nil)

// New returns a compiler.
func New(opts Options) (*Compiler, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if len(opts.TokenKey) == 0 {
		opts.TokenKey = make([]byte, 32)
		if _, err := rand.Read(opts.TokenKey); err != nil {
			return nil, fmt.Errorf("paging key: %w", err)
		}
	}
	c := &Compiler{opts: opts, log: opts.Logger, pools: newPools(opts.Logger), jwks: policy.NewJWKSCache(opts.JWKSClient, opts.Logger),
		local: &localLimits{ratelimit.NewLocal(nil), ratelimit.NewLocalCounter(nil)}, stop: make(chan struct{}), swept: make(chan struct{})}
	go c.sweep(limitSweepInterval)
	return c, nil
}

// limitSweepInterval is how often the local limiters forget drained keys.
const limitSweepInterval = time.Minute

// sweep forgets the local counters that have drained, so that callers
// counted by address (keyless plans) cannot grow them without bound.
func (c *Compiler) sweep(every time.Duration) {
	defer close(c.swept)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.local.Local.Sweep()
			c.local.LocalCounter.Sweep()
		}
	}
}

// Close releases every pool and JWKS fetcher; call it after the runtime has
// stopped.
func (c *Compiler) Close() {
	c.closeOnce.Do(func() {
		close(c.stop)
		<-c.swept
	})
	c.pools.closeAll()
	c.jwks.Close()
}

// Compile implements runtime.Compiler.
func (c *Compiler) Compile(ctx context.Context, snap *model.Snapshot, _ *runtime.Compiled) (*runtime.Compiled, error) {
	lease := c.pools.lease()
	var async *execution.Binding
	if c.opts.Dispatcher != nil {
		async = c.opts.Dispatcher.Bind(snap.Spec.Executions)
	}
	h, err := c.build(ctx, snap, lease, async)
	routes := h
	router := newRouteTable(snap)
	var releaseSecurity func()
	if err == nil {
		var plans *plan.Policy
		if plans, err = c.plans(snap); err == nil {
			h, err = c.admit(snap, router, plans, h)
		}
		if err == nil {
			h, releaseSecurity, err = c.secure(snap, router, plans, h)
			h = styleRefusals(h)
		}
	}
	if err != nil {
		if releaseSecurity != nil {
			releaseSecurity()
		}
		lease.release()
		return nil, fmt.Errorf("snapshot %s@%d: %w", snap.Environment, snap.Revision, err)
	}
	release := func() {
		releaseSecurity()
		lease.release()
	}
	if async != nil {
		// Claimed queued work runs on the routes below authentication and
		// limits: its request passed them when it was accepted.
		async.Activate(endpoint.Replay(routes))
		// Detached executions outlive the requests that hold the snapshot.
		release = func() {
			releaseSecurity()
			async.AfterDetached(lease.release)
		}
	}
	return runtime.NewCompiled(snap.Revision, h, release), nil
}

func (c *Compiler) build(ctx context.Context, snap *model.Snapshot, lease *lease, async *execution.Binding) (http.Handler, error) {
	eopts := endpoint.Options{
		MaxBodyBytes: c.opts.MaxBodyBytes, TokenKey: c.opts.TokenKey, Logger: c.log,
		Recorder: c.opts.Recorder, Environment: snap.Environment, RuntimeID: c.opts.RuntimeID,
		RecordLimitBytes: c.opts.RecordLimitBytes,
	}
	if async != nil {
		eopts.Async = async
	}
	styles := c.styles(snap)
	for i := range snap.Deployments {
		d := &snap.Deployments[i]
		pkg, err := c.compilePackage(ctx, d, lease)
		if err != nil {
			return nil, fmt.Errorf("%s@%s: %w", d.Package.Component, d.Package.Version, err)
		}
		u := &unit{ctx: ctx, snap: snap, deployment: d, root: pkg.root, pkg: pkg, opts: eopts, lease: lease}
		for _, s := range styles {
			if err := s.add(u); err != nil {
				return nil, fmt.Errorf("%s@%s: %w", d.Package.Component, d.Package.Version, err)
			}
		}
	}
	mux := http.NewServeMux()
	for _, s := range styles {
		if err := s.mount(mux); err != nil {
			return nil, err
		}
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		p := problem.New(http.StatusNotFound, "no route for "+r.Method+" "+r.URL.Path)
		p.ExecutionID = endpoint.EnsureExecutionID(w)
		problem.Write(w, r, p)
	})
	return mux, nil
}

func withPrefix(o endpoint.Options, prefix string) endpoint.Options {
	o.Prefix = prefix
	return o
}

// compiledPackage is one active package with its processes compiled.
type compiledPackage struct {
	root  *model.Component
	procs map[string]endpoint.RunnerWithSpec
}

// compilePackage compiles the processes of one package. Names resolve
// inside the package: it pins the exact revisions its root was released with.
func (c *Compiler) compilePackage(ctx context.Context, d *model.SnapshotDeployment, lease *lease) (*compiledPackage, error) {
	res := &resources{ctx: ctx, lease: lease, conns: map[string]*model.Component{}, procs: map[string]*process.Process{}}
	var root *model.Component
	specs := map[string]*model.ProcessSpec{}
	for i := range d.Components {
		comp := &d.Components[i]
		if comp.Ref() == d.Package.Component {
			root = comp
		}
		switch spec := comp.Spec.(type) {
		case *model.ConnectionSpec:
			res.conns[comp.Name] = comp
		case *model.ProcessSpec:
			specs[comp.Name] = spec
			res.procs[comp.Name] = process.Declare(comp.Name)
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: the package does not hold its root %s", model.ErrInvalid, d.Package.Component)
	}
	var errs []error
	out := &compiledPackage{root: root, procs: map[string]endpoint.RunnerWithSpec{}}
	for name, spec := range specs {
		p := res.procs[name]
		if err := p.Define(spec, res); err != nil {
			errs = append(errs, fmt.Errorf("process %s: %w", name, err))
			continue
		}
		out.procs[name] = endpoint.RunnerWithSpec{Runner: p, Spec: spec, Name: name}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// resources resolves the names a package's processes use.
type resources struct {
	ctx   context.Context
	lease *lease
	conns map[string]*model.Component
	procs map[string]*process.Process
}

func (r *resources) connection(name, want string) (*model.Component, *model.ConnectionSpec, error) {
	comp, ok := r.conns[name]
	if !ok {
		return nil, nil, fmt.Errorf("%w: connection %q is not in the package", model.ErrInvalid, name)
	}
	spec := comp.Spec.(*model.ConnectionSpec)
	if spec.Type != want {
		return nil, nil, fmt.Errorf("%w: connection %q is a %s connection, not %s", model.ErrInvalid, name, spec.Type, want)
	}
	return comp, spec, nil
}

// SQL implements process.Resources.
func (r *resources) SQL(name string) (process.SQL, error) {
	comp, spec, err := r.connection(name, model.ConnectionDatabase)
	if err != nil {
		return nil, err
	}
	db, err := r.lease.database(r.ctx, comp.Hash, spec.Database)
	if err != nil {
		return nil, fmt.Errorf("connection %s: %w", name, err)
	}
	return sqlConn{db}, nil
}

// HTTP implements process.Resources.
func (r *resources) HTTP(name string) (process.HTTP, error) {
	comp, spec, err := r.connection(name, model.ConnectionHTTP)
	if err != nil {
		return nil, err
	}
	cl, err := r.lease.http(comp.Hash, spec.HTTP)
	if err != nil {
		return nil, fmt.Errorf("connection %s: %w", name, err)
	}
	return cl, nil
}

// Process implements process.Resources.
func (r *resources) Process(name string) (*process.Process, error) {
	p, ok := r.procs[name]
	if !ok {
		return nil, fmt.Errorf("%w: process %q is not in the package", model.ErrInvalid, strings.TrimSpace(name))
	}
	return p, nil
}
