package platform

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// tokenPrefix marks Portico platform tokens, so that secret scanners and
// people recognise a leaked one.
const tokenPrefix = "ptc_"

// caller is an authenticated request's user and the token it used.
type caller struct {
	user  *model.User
	token *model.Token
}

// allows reports whether both the token's role and the user's current role
// grant p: demoting a user also narrows the tokens they created before.
func (c *caller) allows(p model.Permission) bool {
	return c.token.Role.Allows(p) && c.user.Role.Allows(p)
}

// isUser reports whether the caller acts as a person rather than a runtime;
// runtime tokens only read snapshots, even about their own user.
func (c *caller) isUser() bool { return c.token.Role.UserRole() }

// errBadToken is one message for every unusable token, so that a caller
// cannot tell an unknown token from an expired or disabled one.
var errBadToken = fmt.Errorf("%w: invalid or expired token", model.ErrUnauthenticated)

// newToken returns a clear token value and the hash that is stored.
func newToken() (clear, hash string) {
	clear = tokenPrefix + randomString(32)
	return clear, hashToken(clear)
}

func hashToken(clear string) string {
	sum := sha256.Sum256([]byte(clear))
	return hex.EncodeToString(sum[:])
}

// bearer returns the token of an Authorization: Bearer header, "" if none.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// authenticate finds the caller of a request from its bearer token.
func (s *Server) authenticate(r *http.Request) (*caller, error) {
	clear := bearer(r)
	if clear == "" {
		if r.Header.Get("Authorization") != "" {
			return nil, fmt.Errorf("%w: the Authorization header must be \"Bearer TOKEN\"", model.ErrUnauthenticated)
		}
		return nil, fmt.Errorf("%w: this route needs a token (Authorization: Bearer TOKEN)", model.ErrUnauthenticated)
	}
	ctx := r.Context()
	tok, err := s.store.TokenByHash(ctx, hashToken(clear))
	if errors.Is(err, model.ErrNotFound) {
		return nil, errBadToken
	}
	if err != nil {
		return nil, fmt.Errorf("token lookup: %w", err)
	}
	now := s.now()
	if tok.Expired(now) {
		return nil, errBadToken
	}
	u, err := s.store.GetUser(ctx, tok.Username)
	if errors.Is(err, model.ErrNotFound) {
		return nil, errBadToken
	}
	if err != nil {
		return nil, fmt.Errorf("token user: %w", err)
	}
	if u.Disabled {
		return nil, errBadToken
	}
	s.touch(ctx, tok.ID, now)
	return &caller{user: u, token: tok}, nil
}

// touch records a token's use at most once a minute; a failure only costs
// the last-used time, so it is logged, not returned.
func (s *Server) touch(ctx context.Context, id string, now time.Time) {
	if !s.touches.due(id, now) {
		return
	}
	if err := s.store.TouchToken(ctx, id, now); err != nil && ctx.Err() == nil {
		s.log.Warn("recording token use", "token", id, "err", err)
	}
}

// touchEvery is how often a token's last use is written to the store.
const touchEvery = time.Minute

// touchCacheMax bounds the cache; beyond it the cache starts afresh, which
// only costs a few extra writes.
const touchCacheMax = 10000

// touchCache remembers when each token's use was last written.
type touchCache struct {
	mu   sync.Mutex
	last map[string]time.Time
}

func newTouchCache() *touchCache { return &touchCache{last: map[string]time.Time{}} }

// due reports whether id's use should be written now, and if so notes it.
func (t *touchCache) due(id string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if at, ok := t.last[id]; ok && now.Sub(at) < touchEvery {
		return false
	}
	if len(t.last) >= touchCacheMax {
		clear(t.last)
	}
	t.last[id] = now
	return true
}

// prune forgets entries old enough to be due anyway.
func (t *touchCache) prune(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, at := range t.last {
		if now.Sub(at) >= touchEvery {
			delete(t.last, id)
		}
	}
}

// forget drops a revoked token.
func (t *touchCache) forget(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.last, id)
}
