package platform

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

// writeWithoutPerm lists the changing routes that check the caller in the
// handler rather than by a route permission, and why that is safe.
var writeWithoutPerm = map[string]string{
	"POST /tokens":        "sign-in needs no token; a named token needs one whose role covers the new token's",
	"DELETE /tokens/{id}": "one's own tokens only, unless the caller has users:write",
	"POST /apply":         "each part needs its permission (TestApplyPermissionsPerPart)",
}

// TestEveryRouteEnforcesRoles walks the route table: every route that needs a
// token refuses a request without one, and each role is refused exactly the
// routes whose permission it lacks.
func TestEveryRouteEnforcesRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tokens := map[model.Role]string{
		model.RoleViewer:    e.user("vera", "viewer"),
		model.RolePublisher: e.user("paul", "publisher"),
		model.RoleOperator:  e.user("otto", "operator"),
	}
	rt, _, err := e.srv.IssueToken(context.Background(), "admin", "runtime-test", model.RoleRuntime, 0)
	if err != nil {
		t.Fatal(err)
	}
	tokens[model.RoleRuntime] = rt

	for _, r := range e.srv.routes {
		name := r.method + " " + r.pattern
		if r.auth == authNone {
			if r.method != "GET" {
				t.Errorf("%s changes something without authentication", name)
			}
			continue
		}
		if r.method != "GET" && r.perm == "" && writeWithoutPerm[name] == "" {
			t.Errorf("%s changes something and checks no permission", name)
		}
		if r.method != "GET" && r.perm == model.PermRead {
			t.Errorf("%s changes something with the read permission only", name)
		}
		// Path values name nobody, so that allowed requests change nothing.
		path := r.pattern
		for _, p := range []string{"{kind}", "{name}", "{n}", "{id}", "{env}", "{username}"} {
			path = strings.ReplaceAll(path, p, "nobody")
		}
		path = strings.ReplaceAll(path, "/components/nobody/", "/components/api/")
		if r.auth == authRequired {
			if a := e.do(r.method, path, "", "{}"); a.status != http.StatusUnauthorized {
				t.Errorf("%s without a token: status %d, want 401", name, a.status)
			}
		}
		if r.auth != authRequired {
			continue
		}
		if writeWithoutPerm[name] != "" {
			continue // checked by the handler, and by its own tests
		}
		for role, tok := range tokens {
			a := e.do(r.method, path, tok, "{}")
			refused := a.status == http.StatusForbidden || a.status == http.StatusUnauthorized
			want := r.perm != "" && !role.Allows(r.perm)
			if refused != want {
				t.Errorf("%s as %s: status %d (%s), want refused=%v", name, role, a.status, strings.TrimSpace(string(a.body)), want)
			}
		}
	}
}

// TestApplyPermissionsPerPart checks that each part of an apply needs its
// own permission, and that a refused apply saves nothing.
func TestApplyPermissionsPerPart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	op := e.user("otto", "operator")
	pub := e.user("paul", "publisher")
	view := e.user("vera", "viewer")
	users := `{"users":[{"name":"bot","spec":{}}]}`
	envs := `{"environments":[{"name":"qa"}]}`
	comps := applyBody(connDoc)
	mixed := `{"components":[` + connDoc + `],"users":[{"name":"bot2","spec":{}}]}`
	cases := []struct {
		who, token, body string
		status           int
	}{
		{"operator, users", op, users, http.StatusOK},
		{"operator, environments", op, envs, http.StatusOK},
		{"operator, components", op, comps, http.StatusForbidden},
		{"operator, nothing", op, `{}`, http.StatusForbidden},
		{"publisher, components", pub, comps, http.StatusOK},
		{"publisher, users", pub, users, http.StatusForbidden},
		{"publisher, components and users", pub, mixed, http.StatusForbidden},
		{"viewer, users", view, users, http.StatusForbidden},
		{"viewer, nothing", view, `{}`, http.StatusForbidden},
		{"no token", "", users, http.StatusUnauthorized},
	}
	for _, tc := range cases {
		if a := e.do("POST", "/apply", tc.token, tc.body); a.status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.who, a.status, tc.status, a.body)
		}
	}
	e.must(http.StatusNotFound, "GET", "/consumers/bot2", e.admin, nil)
}
