package platform

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("carol", "viewer")
	e.must(http.StatusOK, "PATCH", "/users/carol", e.admin, map[string]any{"disabled": true})
	e.user("dave", "viewer")

	tests := []struct {
		name, username, password string
		want                     int
	}{
		{"right password", "dave", "dave-password-123", http.StatusCreated},
		{"wrong password", "dave", "dave-password-124", http.StatusUnauthorized},
		{"unknown user", "nobody", "dave-password-123", http.StatusUnauthorized},
		{"disabled user", "carol", "carol-password-123", http.StatusUnauthorized},
	}
	var failDetail string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.do("POST", "/tokens", "", map[string]string{"username": tt.username, "password": tt.password})
			if a.status != tt.want {
				t.Fatalf("status %d, want %d: %s", a.status, tt.want, a.body)
			}
			if tt.want != http.StatusCreated {
				p := a.problem(t)
				// Every failure reads the same, so usernames cannot be probed.
				if failDetail == "" {
					failDetail = p.Detail
				} else if p.Detail != failDetail {
					t.Errorf("detail %q differs from %q", p.Detail, failDetail)
				}
				return
			}
			var s newTokenAnswer
			a.json(t, &s)
			if s.Username != "dave" || s.Role != "viewer" || s.ExpiresAt == nil {
				t.Errorf("answer %+v", s)
			}
			if d := time.Until(*s.ExpiresAt); d < 11*time.Hour || d > 13*time.Hour {
				t.Errorf("session expires in %v, want about 12h", d)
			}
		})
	}
}

func TestDisabledUsersTokensAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok := e.user("erin", "publisher")
	e.must(http.StatusOK, "GET", "/whoami", tok, nil)
	e.must(http.StatusOK, "PATCH", "/users/erin", e.admin, map[string]any{"disabled": true})
	e.must(http.StatusUnauthorized, "GET", "/whoami", tok, nil)
}

func TestUnauthenticated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct{ name, auth, wantChallenge string }{
		{"no header", "", `Bearer realm="portico"`},
		{"unknown token", "Bearer ptc_nope", `Bearer realm="portico", error="invalid_token"`},
		{"not bearer", "Basic YWRtaW46eA==", `Bearer realm="portico", error="invalid_token"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.url+apiPrefix+"/components", nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", res.StatusCode)
			}
			if got := res.Header.Get("WWW-Authenticate"); got != tt.wantChallenge {
				t.Errorf("WWW-Authenticate %q, want %q", got, tt.wantChallenge)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

func TestSessionExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.SessionTTL = time.Hour })
	start := time.Now()
	e.clock.set(start)
	tok := e.signIn("admin", adminPassword)
	e.must(http.StatusOK, "GET", "/whoami", tok, nil)
	e.clock.set(start.Add(time.Hour + time.Second))
	a := e.must(http.StatusUnauthorized, "GET", "/whoami", tok, nil)
	if p := a.problem(t); !strings.Contains(p.Detail, "expired") {
		t.Errorf("detail %q", p.Detail)
	}
}

// TestRoles checks the role table of the contract on one route per permission.
func TestRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pkgID := e.seed()
	tokens := map[string]string{
		"admin":     e.admin,
		"publisher": e.user("pub", "publisher"),
		"operator":  e.user("op", "operator"),
		"viewer":    e.user("view", "viewer"),
	}
	var rt newTokenAnswer
	e.must(http.StatusCreated, "POST", "/tokens", e.admin, map[string]string{"name": "edge", "role": "runtime"}).json(t, &rt)
	tokens["runtime"] = rt.Token

	apply := applyBody(connDoc)
	deploy := map[string]string{"environment": "dev", "packageId": pkgID}
	envBody := map[string]string{"description": "development"}
	tests := []struct {
		method, path string
		body         any
		allowed      []string
	}{
		{"GET", "/components", nil, []string{"admin", "publisher", "operator", "viewer"}},
		{"POST", "/apply", apply, []string{"admin", "publisher"}},
		{"POST", "/deployments", deploy, []string{"admin", "publisher", "operator"}},
		{"PUT", "/environments/dev", envBody, []string{"admin", "operator"}},
		{"GET", "/environments/dev/snapshot", nil, []string{"admin", "operator", "runtime"}},
		{"GET", "/users", nil, []string{"admin"}},
		{"GET", "/whoami", nil, []string{"admin", "publisher", "operator", "viewer", "runtime"}},
	}
	for _, tt := range tests {
		for role, tok := range tokens {
			allowed := false
			for _, r := range tt.allowed {
				allowed = allowed || r == role
			}
			a := e.do(tt.method, tt.path, tok, tt.body)
			switch {
			case allowed && a.status >= 300:
				t.Errorf("%s %s as %s: status %d, want success: %s", tt.method, tt.path, role, a.status, a.body)
			case !allowed && a.status != http.StatusForbidden:
				t.Errorf("%s %s as %s: status %d, want 403: %s", tt.method, tt.path, role, a.status, a.body)
			case !allowed:
				a.problem(t)
			}
		}
	}
}

func TestNamedTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	viewer := e.user("vic", "viewer")

	// A viewer cannot hand out more than it holds.
	e.must(http.StatusForbidden, "POST", "/tokens", viewer, map[string]string{"name": "ci", "role": "publisher"})
	e.must(http.StatusForbidden, "POST", "/tokens", viewer, map[string]string{"name": "ci", "role": "runtime"})
	// Creating a named token needs a token.
	e.must(http.StatusUnauthorized, "POST", "/tokens", "", map[string]string{"name": "ci", "role": "viewer"})
	// Sign-in and named-token fields do not mix.
	e.must(http.StatusBadRequest, "POST", "/tokens", viewer, map[string]string{"username": "vic", "name": "ci"})
	a := e.must(http.StatusBadRequest, "POST", "/tokens", viewer, map[string]string{"name": "9bad", "role": "boss", "expiresIn": "-1h"})
	if got := strings.Join(a.problem(t).paths(), ","); got != "name,role,expiresIn" {
		t.Errorf("paths %s", got)
	}

	var nt newTokenAnswer
	e.must(http.StatusCreated, "POST", "/tokens", viewer, map[string]string{"name": "ci", "role": "viewer", "expiresIn": "720h"}).json(t, &nt)
	if nt.ID == "" || nt.Name != "ci" || nt.Role != "viewer" || nt.ExpiresAt == nil {
		t.Fatalf("named token %+v", nt)
	}
	var who whoami
	e.must(http.StatusOK, "GET", "/whoami", nt.Token, nil).json(t, &who)
	if who.Username != "vic" || who.TokenID != nt.ID || who.Role != "viewer" {
		t.Errorf("whoami %+v", who)
	}

	// The viewer sees its own two tokens; asking for another user's is refused.
	var mine struct{ Items []map[string]any }
	e.must(http.StatusOK, "GET", "/tokens", viewer, nil).json(t, &mine)
	if len(mine.Items) != 2 {
		t.Errorf("viewer lists %d tokens, want 2", len(mine.Items))
	}
	for _, it := range mine.Items {
		if _, leaked := it["hash"]; leaked {
			t.Errorf("token list shows a hash: %v", it)
		}
	}
	e.must(http.StatusForbidden, "GET", "/tokens?username=admin", viewer, nil)
	var all struct{ Items []map[string]any }
	e.must(http.StatusOK, "GET", "/tokens", e.admin, nil).json(t, &all)
	if len(all.Items) != 3 {
		t.Errorf("admin lists %d tokens, want 3 (everyone's)", len(all.Items))
	}

	// Someone else's token reads as missing; its owner and an admin may revoke it.
	other := e.user("olga", "viewer")
	e.must(http.StatusNotFound, "DELETE", "/tokens/"+nt.ID, other, nil)
	e.must(http.StatusNoContent, "DELETE", "/tokens/"+nt.ID, viewer, nil)
	e.must(http.StatusUnauthorized, "GET", "/whoami", nt.Token, nil)
	e.must(http.StatusNotFound, "DELETE", "/tokens/"+nt.ID, e.admin, nil)
}

func TestDemotedUserNarrowsOldTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pub := e.user("pat", "publisher")
	e.must(http.StatusOK, "POST", "/apply", pub, applyBody(connDoc))
	e.must(http.StatusOK, "PATCH", "/users/pat", e.admin, map[string]any{"role": "viewer"})
	e.must(http.StatusForbidden, "POST", "/apply", pub, applyBody(connDoc))
	e.must(http.StatusOK, "GET", "/components", pub, nil)
}

func TestExpiredTokensAreSweptAndUseIsRecorded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.SweepInterval = 10 * time.Millisecond })
	var nt newTokenAnswer
	e.must(http.StatusCreated, "POST", "/tokens", e.admin, map[string]string{"name": "short", "role": "viewer", "expiresIn": "1h"}).json(t, &nt)
	e.must(http.StatusOK, "GET", "/whoami", nt.Token, nil)

	var list struct{ Items []model.Token }
	e.must(http.StatusOK, "GET", "/tokens", e.admin, nil).json(t, &list)
	for _, tok := range list.Items {
		if tok.LastUsedAt == nil {
			t.Errorf("token %s (%s) used but lastUsedAt unset", tok.ID, tok.Name)
		}
	}

	e.clock.set(time.Now().Add(2 * time.Hour))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		toks, _, err := e.store.ListTokens(context.Background(), "", store.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		gone := true
		for _, tok := range toks {
			gone = gone && tok.ID != nt.ID
		}
		if gone {
			if len(toks) != 1 {
				t.Errorf("%d tokens left, want the admin's session", len(toks))
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the expired token was not swept")
		}
	}
}
