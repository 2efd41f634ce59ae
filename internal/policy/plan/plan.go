// Package plan enforces applications and plans at the runtime: who may call
// an API (an application's API key, subscribed to the API) and how much (the
// subscription's plan: rate limit, quota, maximum message size).
//
// Compile turns a snapshot's applications and plans into an immutable index
// once; Wrap puts the check in front of one API's handler. A request only
// reads the index: no locks, nothing built per request but the counters'
// decisions, which the ratelimit.Limiter and ratelimit.Counter given to
// Compile make (locally, or in Redis for a runtime cluster).
package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/policy/ratelimit"
)

// Header is the request header that carries an application's API key.
const Header = "X-Api-Key"

// Policy is the compiled index of one snapshot's applications and plans.
// It is immutable and safe for concurrent use.
type Policy struct {
	keys map[[32]byte]*key // SHA-256 of the clear key → key
	apps []*app
	// enforced holds the APIs that at least one subscription names; the
	// others are open and Wrap leaves them alone.
	enforced map[string]bool
	lim      ratelimit.Limiter
	cnt      ratelimit.Counter
	log      *slog.Logger
	now      func() time.Time
}

type key struct {
	app      *app
	disabled bool
	expires  time.Time // zero: never
}

type app struct {
	name     string
	disabled bool
	subs     []*sub
}

// sub is one subscription with its plan resolved and its counter key made.
type sub struct {
	app     *app
	api     string
	version string // "" covers every version
	plan    *plan
	// counter is the key of the subscription's rate limit and quota,
	// "plan:{app}:{api}" (or "...:{api}@{version}"), shared by every
	// runtime that shares the Limiter's store.
	counter string
}

type plan struct {
	name     string
	disabled bool
	rate     *ratelimit.Limit
	quota    *ratelimit.Quota
	maxBody  int64
	keyless  bool
}

// Option changes how Compile builds a Policy.
type Option func(*Policy)

// WithClock sets the clock that decides whether a key has expired
// (time.Now by default).
func WithClock(now func() time.Time) Option { return func(p *Policy) { p.now = now } }

// ErrNoCounters is returned when a plan limits requests but no Limiter or
// Counter was given to count them.
var ErrNoCounters = errors.New("a plan limits requests but no limiter or counter was given")

// Compile indexes the applications and plans of snap. lim and cnt count
// the plans' rate limits and quotas; log hears of subscriptions that cannot
// take effect. A subscription to a plan that does not exist is an error: the
// snapshot is inconsistent and must not replace the serving one.
func Compile(snap *model.Snapshot, lim ratelimit.Limiter, cnt ratelimit.Counter, log *slog.Logger, opts ...Option) (*Policy, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Policy{keys: map[[32]byte]*key{}, enforced: map[string]bool{}, lim: lim, cnt: cnt, log: log, now: time.Now}
	for _, o := range opts {
		o(p)
	}
	plans := make(map[string]*plan, len(snap.Plans))
	for i := range snap.Plans {
		mp := &snap.Plans[i]
		pl, err := compilePlan(mp)
		if err != nil {
			return nil, fmt.Errorf("plan %s: %w", mp.Name, err)
		}
		if (pl.rate != nil && lim == nil) || (pl.quota != nil && cnt == nil) {
			return nil, fmt.Errorf("plan %s: %w", mp.Name, ErrNoCounters)
		}
		plans[mp.Name] = pl
	}
	for i := range snap.Applications {
		ma := &snap.Applications[i]
		a := &app{name: ma.Name, disabled: !ma.Spec.Status.Active()}
		for _, ms := range ma.Spec.Subscriptions {
			pl, ok := plans[ms.Plan]
			if !ok {
				return nil, fmt.Errorf("application %s: subscription to %s: plan %q is not in the snapshot", ma.Name, ms.Target(), ms.Plan)
			}
			counter := "plan:" + a.name + ":" + ms.API
			if ms.Version != "" {
				counter += "@" + ms.Version
			}
			a.subs = append(a.subs, &sub{app: a, api: ms.API, version: ms.Version, plan: pl, counter: counter})
			p.enforced[ms.API] = true
		}
		for _, mk := range ma.Keys {
			b, err := hex.DecodeString(mk.Hash)
			if err != nil || len(b) != sha256.Size {
				log.Warn("API key ignored: its hash is not SHA-256 hex", "application", ma.Name, "key", mk.ID)
				continue
			}
			var h [sha256.Size]byte
			copy(h[:], b)
			k := &key{app: a, disabled: !mk.Status.Active()}
			if mk.ExpiresAt != nil {
				k.expires = *mk.ExpiresAt
			}
			p.keys[h] = k
		}
		p.apps = append(p.apps, a)
	}
	// The keyless subscription of an API is the first by application name,
	// whatever order the snapshot lists them in.
	slices.SortFunc(p.apps, func(x, y *app) int { return strings.Compare(x.name, y.name) })
	return p, nil
}

func compilePlan(mp *model.Plan) (*plan, error) {
	s := mp.Spec
	pl := &plan{name: mp.Name, disabled: !s.Status.Active(), maxBody: s.MaxMessageSize, keyless: s.Keyless}
	if r := s.Rate; r != nil {
		period, ok := model.RatePeriod(r.Per)
		if !ok {
			return nil, fmt.Errorf("rate per %q is not second, minute or hour", r.Per)
		}
		l := ratelimit.Limit{Rate: r.Requests, Period: period, Burst: r.Burst}
		if err := l.Valid(); err != nil {
			return nil, err
		}
		pl.rate = &l
	}
	if q := s.Quota; q != nil {
		quota := ratelimit.Quota{Max: q.Requests, Window: ratelimit.Window(q.Per)}
		if _, _, err := quota.Window.Bounds(time.Time{}); err != nil || quota.Max <= 0 {
			return nil, fmt.Errorf("quota %d per %q: want a positive number per day, week or month", q.Requests, q.Per)
		}
		pl.quota = &quota
	}
	return pl, nil
}

// Owner implements policy.KeyOwners: the application holding key, whatever
// the state of the key (the plan's check refuses disabled ones).
func (p *Policy) Owner(key string) (string, bool) {
	if p == nil {
		return "", false
	}
	k := p.keys[hashKey(key)]
	if k == nil {
		return "", false
	}
	return k.app.name, true
}

// Enforced reports whether api is under the policy: at least one
// application is subscribed to it. Callers of other APIs need no key.
func (p *Policy) Enforced(api string) bool { return p.enforced[api] }

// lookup finds the subscription of a to api and version: the one naming
// the version, else the one covering every version.
func (a *app) lookup(api, version string) *sub {
	var all *sub
	for _, s := range a.subs {
		if s.api != api {
			continue
		}
		if s.version == version {
			return s
		}
		if s.version == "" {
			all = s
		}
	}
	return all
}
