package proxy

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// ErrNoTargets marks a spec without a usable target.
var ErrNoTargets = errors.New("proxy: no targets")

// maxTargets bounds the targets of one proxy: the balancer keeps the
// targets already tried in one 64-bit mask.
const maxTargets = 64

// Options tune an Upstream.
type Options struct {
	// Name names the proxy in logs and problem details.
	Name   string
	Logger *slog.Logger
}

// Upstream is what one proxy spec compiles to. It is safe for concurrent
// use and immutable once built, but for the live state of its targets and
// breaker, which are atomics. Close it when no handler uses it any more.
type Upstream struct {
	name      string
	log       *slog.Logger
	clock     clock
	targets   []*target
	bal       balancer
	transport *http.Transport
	breaker   *breaker
	health    *healthCheck
	// countInflight is set for least connections, the only policy that
	// reads the counts: the others skip two atomic writes per call.
	countInflight bool

	ejectAfter int32
	ejectFor   int64
	retries    int
	total      time.Duration
	// headerTimeout bounds the wait for response headers on the lean path.
	headerTimeout time.Duration

	rewrite            []rewriteRule
	reqAdd, respAdd    []headerValue
	reqDel, respDel    []string
	authType           string
	authValue          []string
	forwardAuth        bool
	closeOnce          sync.Once
	retryAfterFallback time.Duration
}

type rewriteRule struct {
	re      *regexp.Regexp
	replace string
}

// headerValue is a header to set, its value slice built once and shared by
// every request (nobody writes into it).
type headerValue struct {
	key   string
	value []string
}

// NewUpstream compiles spec and starts its health checks, if any.
func NewUpstream(spec *model.ProxySpec, opts Options) (*Upstream, error) {
	if len(spec.Targets) == 0 {
		return nil, ErrNoTargets
	}
	if len(spec.Targets) > maxTargets {
		return nil, fmt.Errorf("proxy: %d targets, at most %d", len(spec.Targets), maxTargets)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	u := &Upstream{name: opts.Name, log: log, clock: clock{start: time.Now()}, retryAfterFallback: time.Second}
	for i, t := range spec.Targets {
		tt, err := newTarget(t.URL, t.Weight)
		if err != nil {
			return nil, fmt.Errorf("proxy: targets[%d]: %w", i, err)
		}
		tt.index = uint(i)
		u.targets = append(u.targets, tt)
	}
	u.bal = newBalancer(spec.Balancing, u.targets, u.clock.now)
	u.countInflight = spec.Balancing == model.BalanceLeastConnections

	connect, header := DefaultConnectTimeout, DefaultResponseHeaderTimeout
	if t := spec.Timeouts; t != nil {
		if t.Connect > 0 {
			connect = t.Connect.Std()
		}
		if t.ResponseHeader > 0 {
			header = t.ResponseHeader.Std()
		}
		u.total = t.Total.Std()
	}
	dialer := &net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}
	u.transport = newTransport(dialer, connect, header)
	u.headerTimeout = header
	for _, t := range u.targets {
		if t.scheme == "http" {
			t.pool = newH1Pool(hostPort(t.host), dialer, u.clock)
		}
	}

	if p := spec.PassiveHealth; p != nil {
		u.ejectAfter = int32(p.ConsecutiveFailures)
		if u.ejectAfter == 0 {
			u.ejectAfter = 5
		}
		u.ejectFor = int64(p.EjectFor)
		if u.ejectFor == 0 {
			u.ejectFor = int64(30 * time.Second)
		}
	}
	if r := spec.Retries; r != nil {
		u.retries = r.Attempts
	}
	if b := spec.CircuitBreaker; b != nil {
		threshold, openFor := b.FailureThreshold, b.OpenFor.Std()
		if threshold == 0 {
			threshold = 5
		}
		if openFor == 0 {
			openFor = 30 * time.Second
		}
		u.breaker = newBreaker(threshold, openFor, u.clock.now)
	}
	for i, r := range spec.Rewrite {
		re, err := regexp.Compile(r.Match)
		if err != nil {
			return nil, fmt.Errorf("proxy: rewrite[%d]: %w", i, err)
		}
		u.rewrite = append(u.rewrite, rewriteRule{re: re, replace: r.Replace})
	}
	u.reqAdd, u.reqDel = headerOps(spec.RequestHeaders)
	u.respAdd, u.respDel = headerOps(spec.ResponseHeaders)
	u.authType = model.ProxyAuthNone
	if a := spec.Auth; a != nil {
		if a.Type != "" {
			u.authType = a.Type
		}
		u.forwardAuth = a.ForwardAuthorization
		if a.Type == model.ProxyAuthBasic {
			cred := base64.StdEncoding.EncodeToString([]byte(a.Username + ":" + a.Password.Reveal()))
			u.authValue = []string{"Basic " + cred}
		}
	}
	if h := spec.HealthCheck; h != nil {
		hc := &healthCheck{
			path: h.Path, interval: h.Interval.Std(), timeout: h.Timeout.Std(),
			healthyN: h.HealthyThreshold, unhealthyN: h.UnhealthyThreshold,
			log: log, name: opts.Name,
		}
		if hc.interval <= 0 {
			hc.interval = DefaultHealthInterval
		}
		if hc.timeout <= 0 {
			hc.timeout = min(DefaultHealthTimeout, hc.interval)
		}
		if hc.healthyN <= 0 {
			hc.healthyN = DefaultHealthyThreshold
		}
		if hc.unhealthyN <= 0 {
			hc.unhealthyN = DefaultUnhealthyThreshold
		}
		hc.client = &http.Client{
			Transport: u.transport,
			// A redirect is not a 200.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
		u.health = hc
		u.retryAfterFallback = hc.interval
		hc.start(u.targets)
	}
	return u, nil
}

func headerOps(h *model.ProxyHeaders) (add []headerValue, del []string) {
	if h == nil {
		return nil, nil
	}
	for _, k := range h.Remove {
		del = append(del, http.CanonicalHeaderKey(k))
	}
	for k, v := range h.Add {
		add = append(add, headerValue{key: http.CanonicalHeaderKey(k), value: []string{v}})
	}
	return add, del
}

// Close stops the health checks and closes the idle upstream connections.
// Requests must no longer use the Upstream.
func (u *Upstream) Close() {
	u.closeOnce.Do(func() {
		if u.health != nil {
			u.health.stop()
		}
		u.transport.CloseIdleConnections()
		for _, t := range u.targets {
			if t.pool != nil {
				t.pool.close()
			}
		}
	})
}

// succeeded and failed record the outcome of one call to t for passive
// ejection; they write only when the state changes.
func (u *Upstream) succeeded(t *target) {
	if t.fails.Load() != 0 {
		t.fails.Store(0)
	}
}

func (u *Upstream) failed(t *target) {
	if u.ejectAfter == 0 {
		return
	}
	if t.fails.Add(1) >= u.ejectAfter {
		t.fails.Store(0)
		t.ejectedUntil.Store(u.clock.now() + u.ejectFor)
		u.log.Warn("proxy target ejected after consecutive failures", "proxy", u.name, "target", t.display,
			"for", time.Duration(u.ejectFor))
	}
}

// retryAfter is the Retry-After of a 503 when no target is available: the
// soonest end of an ejection, or the health-check interval.
func (u *Upstream) retryAfter() time.Duration {
	now := u.clock.now()
	best := time.Duration(0)
	for _, t := range u.targets {
		if w := t.waitHint(now); w > 0 && (best == 0 || w < best) {
			best = w
		}
	}
	if best == 0 {
		best = u.retryAfterFallback
	}
	return best
}
