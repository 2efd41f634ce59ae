package compile

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/execution/pool"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/policy"
	"github.com/portico-dev/portico/internal/policy/limit"
	"github.com/portico-dev/portico/internal/policy/plan"
	"github.com/portico-dev/portico/internal/policy/ratelimit"
)

// admission is a snapshot's traffic control, behind its security chain and
// in front of its styles: body size, the environment's and each API's rate,
// applications and plans, the listener's concurrency and the execution time
// limit. It is compiled once per snapshot and immutable; its counters live
// in the limiter (local or Redis), so a snapshot swap keeps them.
type admission struct {
	env       string
	router    policy.Router
	limiter   ratelimit.Limiter
	envRate   ratelimit.Limit // Rate 0: none
	maxBody   int64
	timeLimit time.Duration
	// listeners bound each listener's running requests (MaxConcurrent).
	listeners map[string]*pool.Pool
	listenCfg pool.Config
	// pools are the environment's worker pools; poolFor picks one by
	// "api\x00workload", modes tells an endpoint's workload by
	// "api\x00version\x00endpoint" (absent: general).
	pools   []*pool.Pool
	poolFor map[string]*pool.Pool
	modes   map[string]string
	// proxies are the names of the deployed proxies, which the execution
	// time limit leaves alone.
	proxies map[string]bool
	// apis is each API's own chain (its rate, its plans) in front of next;
	// a request that reaches no API goes to next directly.
	apis map[string]http.Handler
	next http.Handler
	log  *slog.Logger
}

// admit compiles the snapshot's limits and plans in front of next. With no
// limits and no plans it returns next itself: nothing costs a request.
func (c *Compiler) admit(snap *model.Snapshot, router policy.Router, plans *plan.Policy, next http.Handler) (http.Handler, error) {
	lims := snap.Spec.Limits
	lim := c.limitsFor(lims)
	a := &admission{env: snap.Environment, router: router, limiter: lim, next: next, log: c.log,
		apis: map[string]http.Handler{}, listeners: map[string]*pool.Pool{}}
	if lims != nil {
		if lims.RequestsPerSecond > 0 {
			a.envRate = ratelimit.PerSecond(lims.RequestsPerSecond)
		}
		a.maxBody = lims.MaxBodyBytes
		a.timeLimit = time.Duration(lims.ExecutionTimeLimit)
		if lims.MaxConcurrent > 0 {
			a.listenCfg = pool.Config{MaxRunning: lims.MaxConcurrent, MaxQueued: lims.MaxQueued, QueueTimeout: time.Duration(lims.QueueTimeout)}
			for _, name := range listenerNames(snap) {
				cfg := a.listenCfg
				cfg.Name = "listener:" + name
				p, err := pool.New(cfg)
				if err != nil {
					return nil, err
				}
				a.listeners[name] = p
			}
		}
	}
	if lims != nil && len(lims.Pools) > 0 {
		if err := a.compilePools(snap, lims); err != nil {
			return nil, err
		}
		c.poolStats.Store(&a.pools)
	}
	a.proxies = map[string]bool{}
	for _, api := range deployedAPIs(snap) {
		if api.proxy {
			a.proxies[api.name] = true
		}
		h := plans.Wrap(api.name, api.version, next)
		if lims != nil {
			if rps := lims.APIRate(api.name); rps > 0 {
				h = &limit.Rate{Limiter: lim, Limit: ratelimit.PerSecond(rps), Key: "api:" + snap.Environment + ":" + api.name,
					What: "the rate limit of API " + api.name, Log: c.log, Next: h}
			}
		}
		if h != next {
			a.apis[routeKey(api.name, api.version)] = h
		}
	}
	if lims == nil && len(a.apis) == 0 {
		return next, nil
	}
	return a, nil
}

// ServeHTTP implements http.Handler.
func (a *admission) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a.maxBody > 0 {
		if r.ContentLength > a.maxBody {
			limit.TooLarge(w, r, a.maxBody)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, a.maxBody)
		}
	}
	if a.envRate.Rate > 0 {
		d, err := a.limiter.Allow(r.Context(), "env:"+a.env, a.envRate)
		switch {
		case err != nil:
			if refused(w, r, err) {
				return
			}
			a.log.Error("the environment's rate limit is not enforced", "err", err)
		case !d.Allowed:
			limit.TooMany(w, r, d, "the environment's rate limit")
			return
		default:
			limit.SetHeaders(w.Header(), d)
		}
	}
	if p := a.listeners[policy.ListenerFrom(r.Context())]; p != nil {
		if err := p.Acquire(r.Context()); err != nil {
			if errors.Is(err, pool.ErrFull) || errors.Is(err, pool.ErrQueueTimeout) {
				limit.Unavailable(w, r, p.RetryAfter(), "this listener runs as many requests as it may; retry shortly")
			}
			return
		}
		defer p.Release()
	}
	var rt policy.Route
	if len(a.apis) > 0 || len(a.pools) > 0 || (a.timeLimit > 0 && len(a.proxies) > 0) {
		rt = a.router.Route(r)
	}
	// The time limit bounds executions; a proxied download or stream may
	// rightly last longer (proxies have timeouts of their own).
	if a.timeLimit > 0 && !a.proxies[rt.API] {
		ctx, cancel := context.WithTimeoutCause(r.Context(), a.timeLimit, endpoint.ErrTimeLimit)
		defer cancel()
		r = r.WithContext(ctx)
	}
	h := a.next
	if x, ok := a.apis[routeKey(rt.API, rt.Version)]; ok {
		h = x
	}
	if len(a.pools) > 0 {
		workload := a.modes[rt.API+"\x00"+rt.Version+"\x00"+rt.Endpoint]
		if workload == "" {
			workload = "general"
		}
		if p := a.poolFor[rt.API+"\x00"+workload]; p != nil {
			if err := p.Acquire(r.Context()); err != nil {
				if errors.Is(err, pool.ErrFull) || errors.Is(err, pool.ErrQueueTimeout) {
					limit.Unavailable(w, r, p.RetryAfter(), "every worker of this API's pool is busy; retry shortly")
				}
				return
			}
			defer p.Release()
		}
	}
	h.ServeHTTP(w, r)
}

// compilePools makes the environment's worker pools and resolves, for every
// deployed API and workload, the pool that runs it.
func (a *admission) compilePools(snap *model.Snapshot, lims *model.LimitsSpec) error {
	a.poolFor, a.modes = map[string]*pool.Pool{}, map[string]string{}
	for _, ps := range lims.Pools {
		p, err := pool.New(pool.Config{Name: "pool:" + ps.Name, MaxRunning: ps.MaxRunning, MaxQueued: ps.MaxQueued, QueueTimeout: time.Duration(ps.QueueTimeout)})
		if err != nil {
			return err
		}
		a.pools = append(a.pools, p)
	}
	for _, api := range deployedAPIs(snap) {
		for _, w := range []string{"general", "low-latency"} {
			if i := lims.PoolFor(api.name, w); i >= 0 {
				a.poolFor[api.name+"\x00"+w] = a.pools[i]
			}
		}
	}
	for i := range snap.Deployments {
		d := &snap.Deployments[i]
		procs := map[string]*model.ProcessSpec{}
		var root *model.Component
		for j := range d.Components {
			comp := &d.Components[j]
			if ps, ok := comp.Spec.(*model.ProcessSpec); ok {
				procs[comp.Name] = ps
			}
			if comp.Ref() == d.Package.Component {
				root = comp
			}
		}
		switch spec := root.Spec.(type) {
		case *model.APISpec:
			for _, ep := range spec.Endpoints {
				name := ep.Name
				if name == "" {
					name = ep.Method + " " + ep.Path
				}
				if p := procs[ep.Process]; p != nil && p.Mode == "low-latency" {
					a.modes[root.Name+"\x00"+spec.Version+"\x00"+name] = "low-latency"
				}
			}
		case *model.ProcessSpec:
			if spec.Mode == "low-latency" {
				a.modes[root.Name+"\x00\x00"] = "low-latency"
			}
		}
	}
	return nil
}

// plans compiles the snapshot's applications and plans, counting in the
// store limitsFor chooses.
func (c *Compiler) plans(snap *model.Snapshot) (*plan.Policy, error) {
	lim := c.limitsFor(snap.Spec.Limits)
	return plan.Compile(snap, lim, lim, c.log)
}

// limitsFor is where the snapshot's counters are kept: in this runtime, or
// in the shared store with this runtime's counters as the fallback the
// environment chooses (refuse: none, 503 while the store is down).
func (c *Compiler) limitsFor(lims *model.LimitsSpec) SharedLimits {
	if c.opts.Shared == nil {
		return c.local
	}
	f := &ratelimit.Fallback{Shared: c.opts.Shared, Local: c.local, OnFailure: c.sharedFailed}
	if lims != nil && lims.OnRedisFailure == model.RedisFailureRefuse {
		f.Local = nil
	}
	return f
}

// sharedFailed logs a failure of the shared limits store, at most once a
// minute: under load every request would report it.
func (c *Compiler) sharedFailed(err error) {
	if c.opts.OnSharedFailure != nil {
		c.opts.OnSharedFailure(err)
	}
	now := time.Now().UnixNano()
	last := c.sharedWarned.Load()
	if now-last < int64(time.Minute) || !c.sharedWarned.CompareAndSwap(last, now) {
		return
	}
	c.log.Warn("the shared rate-limit store (Redis) failed; limits are counted by each runtime or refused, as the environment says", "err", err)
}

// refused answers 503 when the limiter refuses to decide (Redis is down and
// the environment refuses in that case).
func refused(w http.ResponseWriter, r *http.Request, err error) bool {
	if errors.Is(err, ratelimit.ErrUnavailable) {
		limit.Unavailable(w, r, time.Second, "rate limits cannot be checked right now")
		return true
	}
	return false
}

func routeKey(api, version string) string { return api + "\x00" + version }

type deployedAPI struct {
	name, version string
	proxy         bool
}

// deployedAPIs lists the APIs, proxies and services-enablement processes of
// the snapshot with their API versions.
func deployedAPIs(snap *model.Snapshot) []deployedAPI {
	var out []deployedAPI
	for i := range snap.Deployments {
		d := &snap.Deployments[i]
		for j := range d.Components {
			comp := &d.Components[j]
			if comp.Ref() != d.Package.Component {
				continue
			}
			switch spec := comp.Spec.(type) {
			case *model.APISpec:
				out = append(out, deployedAPI{name: comp.Name, version: spec.Version})
			case *model.ProxySpec:
				out = append(out, deployedAPI{comp.Name, spec.Version, true})
			case *model.ProcessSpec:
				out = append(out, deployedAPI{name: comp.Name})
			}
		}
	}
	return out
}

// listenerNames are the listeners requests come from: the environment's,
// or the runtime's own (named "") when it declares none.
func listenerNames(snap *model.Snapshot) []string {
	sec := snap.Spec.Security
	if sec == nil || len(sec.Listeners) == 0 {
		return []string{""}
	}
	names := make([]string, len(sec.Listeners))
	for i, l := range sec.Listeners {
		names[i] = l.Name
	}
	return names
}
