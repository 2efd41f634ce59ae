package policy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/model"
)

// JWT defaults.
const (
	DefaultJWTAlgorithm   = "RS256"
	DefaultClockSkew      = 30 * time.Second
	DefaultJWKSRefresh    = time.Hour
	DefaultUserClaim      = "preferred_username"
	fallbackUserClaim     = "sub"
	jwksUnknownKIDEvery   = 10 * time.Second
	jwksUnknownKIDMaxWait = 2 * time.Second
	jwksHTTPTimeout       = 10 * time.Second
)

// JWT accepts bearer tokens of an external identity provider, verified
// against the provider's JWKS.
type JWT struct {
	parser          *jwt.Parser
	keyfunc         jwt.Keyfunc
	userClaim       string
	rolesClaim      []string
	requireConsumer bool
	challenge       string
}

// NewJWT compiles spec with keys from kf (see JWKSCache).
func NewJWT(spec *model.JWTSpec, kf jwt.Keyfunc) (*JWT, error) {
	algs := spec.Algorithms
	if len(algs) == 0 {
		algs = []string{DefaultJWTAlgorithm}
	}
	for _, a := range algs {
		// Validation refuses them too; this is the last line of defence
		// against "none" and a public key used as an HMAC secret.
		if strings.EqualFold(a, "none") || strings.HasPrefix(strings.ToUpper(a), "HS") {
			return nil, fmt.Errorf("policy: JWT algorithm %q is never accepted", a)
		}
	}
	if spec.Issuer == "" || len(spec.Audiences) == 0 {
		return nil, errors.New("policy: JWT needs an issuer and an audience")
	}
	skew := spec.ClockSkew.Std()
	if skew == 0 {
		skew = DefaultClockSkew
	}
	j := &JWT{
		parser: jwt.NewParser(
			jwt.WithValidMethods(algs),
			jwt.WithIssuer(spec.Issuer),
			jwt.WithAudience(spec.Audiences...),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(skew),
		),
		keyfunc:         kf,
		userClaim:       spec.UserClaim,
		requireConsumer: spec.RequireConsumer,
		challenge:       `Bearer realm="portico"`,
	}
	if spec.RolesClaim != "" {
		j.rolesClaim = strings.Split(spec.RolesClaim, ".")
	}
	return j, nil
}

// Authenticate implements Authenticator.
func (j *JWT) Authenticate(r *http.Request, idx *Consumers) (*Principal, *problem.Problem) {
	tok, present, p := authorization(r, "Bearer")
	if p != nil {
		return nil, p
	}
	if !present {
		return nil, unauthorized(j.challenge, "authentication required: send Authorization: Bearer")
	}
	if tok == "" {
		return nil, unauthorized(j.challenge+`, error="invalid_request"`, "the Authorization header is not Bearer <token>")
	}
	claims := jwt.MapClaims{}
	if _, err := j.parser.ParseWithClaims(tok, claims, j.keyfunc); err != nil {
		detail := "the bearer token is not valid"
		switch {
		case errors.Is(err, jwt.ErrTokenExpired):
			detail = "the bearer token has expired"
		case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
			detail = "the bearer token is not valid yet"
		}
		return nil, unauthorized(j.challenge+`, error="invalid_token"`, detail)
	}
	user := j.user(claims)
	if user == "" {
		return nil, unauthorized(j.challenge+`, error="invalid_token"`, "the bearer token names no user")
	}
	roles := j.roles(claims)
	if c := idx.ByExternalName(user); c != nil {
		all := append(append(make([]string, 0, len(c.Roles)+len(roles)), c.Roles...), roles...)
		return &Principal{Name: c.Name, Roles: all, Consumer: c}, nil
	}
	if j.requireConsumer {
		return nil, unauthorized(j.challenge+`, error="invalid_token"`, "the bearer token's user is not a consumer of this environment")
	}
	return &Principal{Name: user, Roles: roles}, nil
}

// Credentials implements Authenticator.
func (*JWT) Credentials() []string { return []string{"Authorization"} }

func (j *JWT) user(c jwt.MapClaims) string {
	if j.userClaim != "" {
		s, _ := c[j.userClaim].(string)
		return s
	}
	if s, _ := c[DefaultUserClaim].(string); s != "" {
		return s
	}
	s, _ := c[fallbackUserClaim].(string)
	return s
}

// roles reads the roles claim: a list of strings, or one string of
// space-separated roles (as scope claims are).
func (j *JWT) roles(c jwt.MapClaims) []string {
	if len(j.rolesClaim) == 0 {
		return nil
	}
	var v any = map[string]any(c)
	for _, k := range j.rolesClaim {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	switch x := v.(type) {
	case string:
		return strings.Fields(x)
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// JWKSCache shares one key fetcher per JWKS URL and refresh interval across
// snapshots: a snapshot leases the fetchers it uses, and a fetcher whose
// last lease is released stops its refresh goroutine. Only compilation and
// release take its lock, never a request.
type JWKSCache struct {
	client *http.Client
	log    *slog.Logger

	mu      sync.Mutex
	entries map[string]*jwksEntry
}

type jwksEntry struct {
	kf     keyfunc.Keyfunc
	cancel context.CancelFunc
	users  int
}

// NewJWKSCache returns an empty cache; client may be nil.
func NewJWKSCache(client *http.Client, log *slog.Logger) *JWKSCache {
	if client == nil {
		client = &http.Client{Timeout: jwksHTTPTimeout}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &JWKSCache{client: client, log: log, entries: map[string]*jwksEntry{}}
}

// Acquire returns the key function of url, starting its fetcher unless one
// runs; release gives the lease back.
func (c *JWKSCache) Acquire(url string, refresh time.Duration) (jwt.Keyfunc, func(), error) {
	if refresh <= 0 {
		refresh = DefaultJWKSRefresh
	}
	key := refresh.String() + " " + url
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil {
		ctx, cancel := context.WithCancel(context.Background())
		kf, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{url}, keyfunc.Override{
			Client:          c.client,
			HTTPTimeout:     jwksHTTPTimeout,
			RefreshInterval: refresh,
			// An unknown kid (a key the provider just rotated in) fetches
			// the set again, at most once every 10s, so that tokens with
			// made-up kids cannot hammer the provider.
			RefreshUnknownKID: rate.NewLimiter(rate.Every(jwksUnknownKIDEvery), 1),
			RateLimitWaitMax:  jwksUnknownKIDMaxWait,
			RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
				return func(_ context.Context, err error) {
					c.log.Warn("cannot refresh the JWKS; keeping the keys held", "url", u, "err", err)
				}
			},
		})
		if err != nil {
			cancel()
			return nil, nil, fmt.Errorf("policy: JWKS %s: %w", url, err)
		}
		e = &jwksEntry{kf: kf, cancel: cancel}
		c.entries[key] = e
	}
	e.users++
	var once sync.Once
	release := func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			e.users--
			if e.users == 0 {
				e.cancel()
				delete(c.entries, key)
			}
		})
	}
	return e.kf.Keyfunc, release, nil
}

// Len is the number of fetchers running.
func (c *JWKSCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Close stops every fetcher.
func (c *JWKSCache) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		e.cancel()
		delete(c.entries, k)
	}
}
