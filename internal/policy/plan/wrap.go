package plan

import (
	"crypto/sha256"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/policy/limit"
	"github.com/portico-dev/portico/internal/policy/ratelimit"
)

// Wrap returns next behind the policy for one API (name and version, as
// deployed). An API no application is subscribed to is returned as is:
// plans govern only the APIs they are attached to.
//
// For a request it reads X-API-Key and finds the key's application:
// no key and no keyless subscription → 401; an unknown key → 401; a
// disabled or expired key, a disabled application or plan, no
// subscription to the API → 403. Then the plan's maximum message size
// (413), rate limit and quota (429 with Retry-After and RateLimit-*).
func (p *Policy) Wrap(api, version string, next http.Handler) http.Handler {
	if !p.Enforced(api) {
		return next
	}
	g := &gate{p: p, api: api, next: next, subs: make(map[*app]*sub, len(p.apps))}
	for _, a := range p.apps {
		s := a.lookup(api, version)
		if s == nil {
			continue
		}
		g.subs[a] = s
		if s.plan.keyless {
			if g.keyless == nil {
				g.keyless = s
			} else {
				p.log.Warn("a second keyless subscription is ignored: keyless callers of an API use the first application by name",
					"api", api, "version", version, "used", g.keyless.app.name, "ignored", a.name)
			}
		}
	}
	return g
}

// Middleware is Wrap in the house's policy shape, for a chain of
// func(next http.Handler) http.Handler built once per snapshot.
func (p *Policy) Middleware(api, version string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return p.Wrap(api, version, next) }
}

// gate is the policy compiled for one API: each application's subscription
// to it, resolved once.
type gate struct {
	p       *Policy
	api     string
	subs    map[*app]*sub
	keyless *sub
	next    http.Handler
}

// refusal codes, in the problem's "code" member, so clients can tell the
// cases apart without parsing the detail.
const (
	codeKeyMissing  = "api-key-missing"
	codeKeyUnknown  = "api-key-unknown"
	codeKeyDisabled = "api-key-disabled"
	codeKeyExpired  = "api-key-expired"
	codeAppDisabled = "application-disabled"
	codePlanOff     = "plan-disabled"
	codeNoSub       = "not-subscribed"
)

// ServeHTTP implements http.Handler.
func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var (
		s       *sub
		counter string
	)
	clear := r.Header[Header]
	// The key is the gateway's business: no process or upstream sees it.
	delete(r.Header, Header)
	if len(clear) == 0 || clear[0] == "" {
		if g.keyless == nil {
			refuse(w, r, http.StatusUnauthorized, codeKeyMissing, "this API needs an API key in the X-API-Key header")
			return
		}
		s = g.keyless
		// Keyless callers are told apart by address only: each client IP
		// gets the plan's limits of its own.
		counter = s.counter + ":ip:" + clientIP(r)
		if s.app.disabled {
			refuse(w, r, http.StatusForbidden, codeAppDisabled, "keyless access to this API is disabled")
			return
		}
	} else {
		k := g.p.keys[hashKey(clear[0])]
		switch {
		case k == nil:
			refuse(w, r, http.StatusUnauthorized, codeKeyUnknown, "the API key is not known")
			return
		case k.disabled:
			refuse(w, r, http.StatusForbidden, codeKeyDisabled, "the API key is disabled")
			return
		case !k.expires.IsZero() && !g.p.now().Before(k.expires):
			refuse(w, r, http.StatusForbidden, codeKeyExpired, "the API key expired at "+k.expires.UTC().Format(time.RFC3339))
			return
		case k.app.disabled:
			refuse(w, r, http.StatusForbidden, codeAppDisabled, "the application "+k.app.name+" is disabled")
			return
		}
		if s = g.subs[k.app]; s == nil {
			refuse(w, r, http.StatusForbidden, codeNoSub, "the application "+k.app.name+" is not subscribed to the API "+g.api)
			return
		}
		counter = s.counter
	}
	pl := s.plan
	if pl.disabled {
		refuse(w, r, http.StatusForbidden, codePlanOff, "the plan "+pl.name+" is disabled")
		return
	}
	if pl.maxBody > 0 {
		if r.ContentLength > pl.maxBody {
			limit.TooLarge(w, r, pl.maxBody)
			return
		}
	}
	var shown ratelimit.Decision
	if pl.rate != nil {
		d, err := g.p.lim.Allow(r.Context(), counter, *pl.rate)
		if !g.decided(w, r, d, err, "the plan's rate limit", counter) {
			return
		}
		shown = d
	}
	if pl.quota != nil {
		d, err := g.p.cnt.Take(r.Context(), counter, *pl.quota)
		if !g.decided(w, r, d, err, "the plan's quota", counter) {
			return
		}
		if err == nil && (pl.rate == nil || d.Remaining < shown.Remaining) {
			shown = d
		}
	}
	if shown.Limit > 0 {
		limit.SetHeaders(w.Header(), shown)
	}
	if pl.maxBody > 0 && r.Body != nil && r.Body != http.NoBody {
		// Chunked bodies are counted as they are read.
		r.Body = http.MaxBytesReader(w, r.Body, pl.maxBody)
	}
	g.next.ServeHTTP(w, r)
}

// decided answers a refused or failed decision and reports whether the
// request may go on. A limit that cannot be evaluated is logged and
// admitted, as limit.Rate does, unless the shared store is down and the
// runtime refuses in that case (503).
func (g *gate) decided(w http.ResponseWriter, r *http.Request, d ratelimit.Decision, err error, what, counter string) bool {
	if err != nil {
		if errors.Is(err, ratelimit.ErrUnavailable) {
			limit.Unavailable(w, r, time.Second, "plan limits cannot be checked right now")
			return false
		}
		g.p.log.Error("plan limit not enforced", "key", counter, "err", err)
		return true
	}
	if !d.Allowed {
		limit.TooMany(w, r, d, what)
		return false
	}
	return true
}

func refuse(w http.ResponseWriter, r *http.Request, status int, code, detail string) {
	p := problem.New(status, detail)
	p.Code = code
	problem.Write(w, r, p)
}

// hashKey is model.HashAPIKey without the hex: the index is keyed by the
// raw digest. Keys that fit are copied to a stack buffer, which saves the
// allocation of converting a string to a slice.
func hashKey(clear string) [32]byte {
	var buf [96]byte
	if len(clear) <= len(buf) {
		n := copy(buf[:], clear)
		return sha256.Sum256(buf[:n])
	}
	return sha256.Sum256([]byte(clear))
}

// clientIP is the address of the peer. Forwarding headers are not trusted:
// anyone could send them to get a fresh keyless allowance.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
