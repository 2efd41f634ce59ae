package platform

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var u model.User
	e.must(http.StatusCreated, "POST", "/users", e.admin, map[string]string{"username": "ann", "role": "publisher", "password": "long-enough-pw"}).json(t, &u)
	if u.Username != "ann" || u.Role != model.RolePublisher || u.CreatedAt.IsZero() {
		t.Errorf("user %+v", u)
	}
	e.must(http.StatusConflict, "POST", "/users", e.admin, map[string]string{"username": "ann", "role": "viewer", "password": "long-enough-pw"})
	a := e.must(http.StatusBadRequest, "POST", "/users", e.admin, map[string]string{"username": "-x", "role": "runtime", "password": "short"})
	if got := strings.Join(a.problem(t).paths(), ","); got != "username,role,password" {
		t.Errorf("paths %s", got)
	}
	if strings.Contains(string(e.must(http.StatusOK, "GET", "/users/ann", e.admin, nil).body), "argon2") {
		t.Error("the password hash leaks")
	}

	ann := e.signIn("ann", "long-enough-pw")
	// Everyone may read themselves and change their own password, nothing more.
	e.must(http.StatusOK, "GET", "/users/ann", ann, nil)
	e.must(http.StatusForbidden, "GET", "/users/admin", ann, nil)
	e.must(http.StatusForbidden, "GET", "/users", ann, nil)
	e.must(http.StatusForbidden, "PATCH", "/users/ann", ann, map[string]any{"role": "admin"})
	e.must(http.StatusForbidden, "PATCH", "/users/ann", ann, map[string]any{"disabled": false})
	e.must(http.StatusBadRequest, "PATCH", "/users/ann", ann, map[string]any{"password": "too-short"})
	e.must(http.StatusOK, "PATCH", "/users/ann", ann, map[string]any{"password": "another-long-pw"})
	e.must(http.StatusUnauthorized, "POST", "/tokens", "", map[string]string{"username": "ann", "password": "long-enough-pw"})
	ann = e.signIn("ann", "another-long-pw")
	e.must(http.StatusForbidden, "DELETE", "/users/ann", ann, nil)

	// A runtime token is no person: it cannot read even its own user.
	var rt newTokenAnswer
	e.must(http.StatusCreated, "POST", "/tokens", e.admin, map[string]string{"name": "edge", "role": "runtime"}).json(t, &rt)
	e.must(http.StatusForbidden, "GET", "/users/admin", rt.Token, nil)

	e.must(http.StatusOK, "PATCH", "/users/ann", e.admin, map[string]any{"role": "operator"}).json(t, &u)
	if u.Role != model.RoleOperator {
		t.Errorf("role %s after patch", u.Role)
	}
	e.must(http.StatusBadRequest, "PATCH", "/users/ann", e.admin, map[string]any{"role": "runtime"})
	e.must(http.StatusNoContent, "DELETE", "/users/ann", e.admin, nil)
	e.must(http.StatusUnauthorized, "GET", "/whoami", ann, nil)
	e.must(http.StatusNotFound, "GET", "/users/ann", e.admin, nil)
}

func TestLastAdminIsProtected(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, change := range []map[string]any{{"role": "viewer"}, {"disabled": true}} {
		e.must(http.StatusConflict, "PATCH", "/users/admin", e.admin, change)
	}
	e.must(http.StatusConflict, "DELETE", "/users/admin", e.admin, nil)

	// A disabled second admin does not count.
	e.user("root2", "admin")
	e.must(http.StatusOK, "PATCH", "/users/root2", e.admin, map[string]any{"disabled": true})
	e.must(http.StatusConflict, "DELETE", "/users/admin", e.admin, nil)

	// With another enabled admin, the first may go.
	e.must(http.StatusOK, "PATCH", "/users/root2", e.admin, map[string]any{"disabled": false})
	e.must(http.StatusOK, "PATCH", "/users/admin", e.admin, map[string]any{"role": "viewer"})
	e.must(http.StatusForbidden, "GET", "/users", e.admin, nil)
}

// wipeUsers deletes every user and token from the SQLite file at path.
func wipeUsers(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`DELETE FROM tokens; DELETE FROM users`); err != nil {
		t.Fatal(err)
	}
}

func TestBootstrap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Users exist: nothing happens.
	if pw, err := e.srv.Bootstrap(context.Background(), ""); err != nil || pw != "" {
		t.Errorf("Bootstrap with users = %q, %v", pw, err)
	}

	// Bootstrapped with adminPassword; the generated path is checked on its
	// own store, emptied behind the store's back (the store itself refuses
	// to delete the last admin).
	fresh, path := newEnvAt(t)
	wipeUsers(t, path)
	pw, err := fresh.srv.Bootstrap(context.Background(), "")
	if err != nil || len(pw) < 20 {
		t.Fatalf("generated password %q, %v", pw, err)
	}
	fresh.signIn("admin", pw)
	wipeUsers(t, path)
	if _, err := fresh.srv.Bootstrap(context.Background(), "short"); err == nil {
		t.Error("a short PORTICO_ADMIN_PASSWORD was accepted")
	}
}
