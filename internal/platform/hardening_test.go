package platform

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/sqlite"
)

// newEnvAt is newEnv that also returns the SQLite file, for tests that reach
// into the database behind the server.
func newEnvAt(t *testing.T) (*testEnv, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "portico.db")
	st, err := sqlite.Open(context.Background(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return newEnvOn(t, st), path
}

// TestApplyEnvironmentFailureWritesNothing makes the database refuse the
// last environment of an apply (a trigger): the components of the same
// request must not be saved either.
func TestApplyEnvironmentFailureWritesNothing(t *testing.T) {
	t.Parallel()
	e, path := newEnvAt(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TRIGGER refuse BEFORE INSERT ON environments WHEN NEW.name = 'zbroken'
		BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`); err != nil {
		t.Fatal(err)
	}
	body := `{"components":[` + connDoc + `,` + procDoc + `],"environments":[{"name":"dev"},{"name":"zbroken"}]}`
	if a := e.do("POST", "/apply", e.admin, body); a.status < 400 {
		t.Fatalf("apply answered %d though the database refused an environment: %s", a.status, a.body)
	}
	e.must(http.StatusNotFound, "GET", "/components/connection/db", e.admin, nil)
	e.must(http.StatusNotFound, "GET", "/components/process/list", e.admin, nil)
	e.must(http.StatusNotFound, "GET", "/environments/dev", e.admin, nil)
}

// TestApplyWakesSnapshotWaiters: an apply that changes an environment's
// settings answers a snapshot poll waiting on it.
func TestApplyWakesSnapshotWaiters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.must(http.StatusOK, "POST", "/apply", e.admin, `{"environments":[{"name":"dev"}]}`)
	rt := e.runtimeToken()
	got := make(chan answer, 1)
	go func() { got <- e.do("GET", "/environments/dev/snapshot?after=1&wait=20s", rt, nil) }()
	time.Sleep(200 * time.Millisecond) // let the poll start waiting
	e.must(http.StatusOK, "POST", "/apply", e.admin, `{"environments":[{"name":"dev","description":"changed"}]}`)
	select {
	case a := <-got:
		if a.status != http.StatusOK || a.header.Get("X-Snapshot-Revision") != "2" {
			t.Fatalf("snapshot poll answered %d revision %q: %s", a.status, a.header.Get("X-Snapshot-Revision"), a.body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the apply did not wake the waiting snapshot poll")
	}
}

// runtimeToken creates a runtime token as the admin.
func (e *testEnv) runtimeToken() string {
	e.t.Helper()
	var rt newTokenAnswer
	e.must(http.StatusCreated, "POST", "/tokens", e.admin, map[string]string{"name": "edge", "role": "runtime"}).json(e.t, &rt)
	return rt.Token
}

// TestCreateEnvironmentRace creates one environment from several requests
// at once: exactly one gets 201, the others 409.
func TestCreateEnvironmentRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for round := range 5 {
		name := "env" + string(rune('a'+round))
		var wg sync.WaitGroup
		statuses := make([]int, 6)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.do("POST", "/environments", e.admin, map[string]any{"name": name}).status
			}()
		}
		wg.Wait()
		created := 0
		for _, st := range statuses {
			switch st {
			case http.StatusCreated:
				created++
			case http.StatusConflict:
			default:
				t.Fatalf("create %s: status %d (all: %v)", name, st, statuses)
			}
		}
		if created != 1 {
			t.Fatalf("create %s: %d requests got 201 (%v), want 1", name, created, statuses)
		}
	}
}

// TestLastAdminRace has two admins demote each other at once, many times:
// one must stay an admin and the other request gets 409.
func TestLastAdminRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// The bootstrap admin steps down first so that the pair is alone.
	ann := e.user("ann", "admin")
	e.must(http.StatusOK, "PATCH", "/users/admin", ann, map[string]any{"role": "viewer"})
	e.must(http.StatusConflict, "PATCH", "/users/ann", ann, map[string]any{"role": "viewer"})
	e.must(http.StatusConflict, "DELETE", "/users/ann", ann, nil)
	for round := range 10 {
		bobName := "bob" + string(rune('a'+round))
		e.must(http.StatusCreated, "POST", "/users", ann, map[string]string{"username": bobName, "role": "admin", "password": "bob-password-123"})
		bob := e.signIn(bobName, "bob-password-123")
		pair := []struct{ name, token, other string }{{"ann", ann, bobName}, {bobName, bob, "ann"}}
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i, p := range pair {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.do("PATCH", "/users/"+p.other, p.token, map[string]any{"role": "viewer"}).status
			}()
		}
		wg.Wait()
		admins := 0
		for _, p := range pair {
			u, err := e.store.GetUser(context.Background(), p.name)
			if err != nil {
				t.Fatal(err)
			}
			if u.Role == model.RoleAdmin && !u.Disabled {
				admins++
			}
		}
		if admins != 1 {
			t.Fatalf("round %d: %d enabled admins after two crossed demotions (statuses %v)", round, admins, statuses)
		}
		// The loser gets 409, or 403 when the winner demoted it before its
		// request was authorised.
		lost := func(st int) bool { return st == http.StatusConflict || st == http.StatusForbidden }
		if !(statuses[0] == http.StatusOK && lost(statuses[1])) && !(lost(statuses[0]) && statuses[1] == http.StatusOK) {
			t.Fatalf("round %d: statuses %v, want one 200 and one 409 or 403", round, statuses)
		}
		// ann stays the admin for the next round.
		if statuses[1] == http.StatusOK {
			e.must(http.StatusOK, "PATCH", "/users/ann", bob, map[string]any{"role": "admin"})
			e.must(http.StatusOK, "PATCH", "/users/"+bobName, ann, map[string]any{"role": "viewer"})
		}
	}
}

// TestDeployNewestIsLastCreated: without a version, deploy takes the
// package created last, whatever its version label says.
func TestDeployNewestIsLastCreated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed() // package 1.0.0
	e.must(http.StatusCreated, "POST", "/packages", e.admin, map[string]any{"component": map[string]string{"kind": "api", "name": "erp"}, "version": "0.9.0"})
	var d model.Deployment
	e.must(http.StatusCreated, "POST", "/deployments", e.admin, map[string]any{"environment": "dev", "component": map[string]string{"kind": "api", "name": "erp"}}).json(t, &d)
	if d.Version != "0.9.0" {
		t.Fatalf("deployed %s, want 0.9.0 (created last)", d.Version)
	}
}

// TestSecretsRedactedForReaders: every role reads secrets as ******, what
// a writer reads applies back unchanged, and snapshots stay complete.
func TestSecretsRedactedForReaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const secretConn = `{"kind":"connection","name":"auth","spec":{"type":"http","http":{"baseURL":"https://api.example.com","auth":{"type":"bearer","token":"tok-SECRET"}}}}`
	e.seed()
	e.must(http.StatusOK, "POST", "/apply", e.admin, applyBody(secretConn))
	viewer := e.user("vic", "viewer")
	operator := e.user("opal", "operator")
	publisher := e.user("pia", "publisher")
	paths := []string{
		"/components/connection/db", "/components/connection/auth", "/components", "/components?kind=connection",
		"/components/connection/db/revisions", "/components/connection/db/revisions/1",
		"/components/connection/auth/revisions", "/components/connection/auth/revisions/1",
	}
	for _, p := range paths {
		for _, tok := range []string{viewer, operator, publisher, e.admin} {
			body := string(e.must(http.StatusOK, "GET", p, tok, nil).body)
			if strings.Contains(body, "file:erp.db") || strings.Contains(body, "tok-SECRET") {
				t.Errorf("GET %s shows a secret: %s", p, body)
			}
			if !strings.Contains(body, `"******"`) {
				t.Errorf("GET %s: no redacted value in %s", p, body)
			}
		}
	}
	// A writer's GET applies back unchanged.
	var c model.Component
	e.must(http.StatusOK, "GET", "/components/connection/auth", publisher, nil).json(t, &c)
	var res struct{ Results []store.ApplyResult }
	e.must(http.StatusOK, "POST", "/apply", publisher, map[string]any{"components": []any{c}}).json(t, &res)
	if len(res.Results) != 1 || res.Results[0].Action != store.Unchanged {
		t.Errorf("re-applying a writer's GET: %+v", res.Results)
	}
	// Snapshots are for runtimes: complete.
	e.must(http.StatusCreated, "POST", "/deployments", e.admin, map[string]any{"environment": "dev", "component": map[string]string{"kind": "api", "name": "erp"}})
	for _, tok := range []string{operator, e.runtimeToken()} {
		body := string(e.must(http.StatusOK, "GET", "/environments/dev/snapshot", tok, nil).body)
		if !strings.Contains(body, "file:erp.db") {
			t.Errorf("snapshot lacks the DSN: %s", body)
		}
	}
}
