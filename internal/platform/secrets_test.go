package platform

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/secret"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/sqlite"
)

// newSealedEnv starts a server over a store that seals secrets, as serve does.
func newSealedEnv(t *testing.T) *testEnv {
	t.Helper()
	k, err := secret.New("test key", bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.OpenOptions(context.Background(), filepath.Join(t.TempDir(), "portico.db"),
		sqlite.Options{Keyring: k}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return newEnvOn(t, st, func(c *Config) { c.Keyring = k })
}

const (
	sealedDBDoc   = `{"kind":"connection","name":"db","spec":{"type":"database","database":{"driver":"postgres","dsn":"postgres://app:DSN-SECRET@db/erp"}}}`
	sealedHTTPDoc = `{"kind":"connection","name":"crm","spec":{"type":"http","http":{"baseURL":"https://crm.example.com","auth":{"type":"bearer","token":"TOKEN-SECRET"}}}}`
)

// TestSecretsNeverInClear: every role reads secrets as ******, what it reads
// applies back unchanged, and only snapshots carry the values.
func TestSecretsNeverInClear(t *testing.T) {
	t.Parallel()
	e := newSealedEnv(t)
	var first struct{ Results []store.ApplyResult }
	e.must(http.StatusOK, "POST", "/apply", e.admin, applyBody(sealedDBDoc, sealedHTTPDoc, procDoc, apiDoc)).json(t, &first)
	viewer := e.user("vic", "viewer")
	operator := e.user("opal", "operator")
	publisher := e.user("pia", "publisher")
	paths := []string{
		"/components/connection/db", "/components/connection/crm", "/components", "/components?kind=connection",
		"/components/connection/db/revisions", "/components/connection/db/revisions/1",
		"/components/connection/crm/revisions", "/components/connection/crm/revisions/1",
	}
	for _, p := range paths {
		for _, tok := range []string{viewer, operator, publisher, e.admin} {
			body := string(e.must(http.StatusOK, "GET", p, tok, nil).body)
			if strings.Contains(body, "SECRET") {
				t.Errorf("GET %s shows a secret: %s", p, body)
			}
			if !strings.Contains(body, `"******"`) {
				t.Errorf("GET %s: no redacted value in %s", p, body)
			}
		}
	}

	// What a publisher reads applies back unchanged: POST /apply, a dry
	// run, and PUT.
	var db, crm model.Component
	e.must(http.StatusOK, "GET", "/components/connection/db", publisher, nil).json(t, &db)
	e.must(http.StatusOK, "GET", "/components/connection/crm", publisher, nil).json(t, &crm)
	for _, dry := range []bool{true, false} {
		var res struct{ Results []store.ApplyResult }
		e.must(http.StatusOK, "POST", "/apply", publisher, map[string]any{"components": []any{db, crm}, "dryRun": dry}).json(t, &res)
		if len(res.Results) != 2 {
			t.Fatalf("dryRun=%v: %+v", dry, res.Results)
		}
		for i, r := range res.Results {
			if r.Action != store.Unchanged || r.Hash != first.Results[i].Hash || r.Revision != 1 {
				t.Errorf("dryRun=%v: re-applying what GET showed: %+v, want unchanged at revision 1 with hash %s", dry, r, first.Results[i].Hash)
			}
		}
	}
	var put store.ApplyResult
	e.must(http.StatusOK, "PUT", "/components/connection/crm", publisher, crm).json(t, &put)
	if put.Action != store.Unchanged {
		t.Errorf("PUT of what GET showed: %+v, want unchanged", put)
	}

	// Changing another field keeps the secret behind the placeholder.
	crm.Spec.(*model.ConnectionSpec).HTTP.Timeout = model.Duration(5 * time.Second)
	e.must(http.StatusOK, "PUT", "/components/connection/crm", publisher, crm).json(t, &put)
	if put.Action != store.Updated || put.Revision != 2 {
		t.Errorf("PUT with a new timeout: %+v, want updated to revision 2", put)
	}
	got, err := e.store.GetComponent(context.Background(), model.Ref{Kind: model.KindConnection, Name: "crm"})
	if err != nil {
		t.Fatal(err)
	}
	if tok := got.Spec.(*model.ConnectionSpec).HTTP.Auth.Token.Reveal(); tok != "TOKEN-SECRET" {
		t.Errorf("after a PUT with the placeholder the token is %q, want the kept value", tok)
	}

	// A new value replaces the secret.
	db.Spec.(*model.ConnectionSpec).Database.DSN = "postgres://app:NEW-SECRET@db/erp"
	var res struct{ Results []store.ApplyResult }
	e.must(http.StatusOK, "POST", "/apply", publisher, map[string]any{"components": []any{db}}).json(t, &res)
	if res.Results[0].Action != store.Updated {
		t.Errorf("a new DSN: %+v, want updated", res.Results[0])
	}

	// Snapshots are for runtimes: complete.
	e.must(http.StatusCreated, "POST", "/environments", e.admin, map[string]any{"name": "dev"})
	e.must(http.StatusCreated, "POST", "/packages", e.admin, map[string]any{"component": map[string]string{"kind": "api", "name": "erp"}, "version": "1.0.0"})
	e.must(http.StatusCreated, "POST", "/deployments", e.admin, map[string]any{"environment": "dev", "component": map[string]string{"kind": "api", "name": "erp"}})
	for _, tok := range []string{operator, e.runtimeToken()} {
		body := string(e.must(http.StatusOK, "GET", "/environments/dev/snapshot", tok, nil).body)
		if !strings.Contains(body, "postgres://app:NEW-SECRET@db/erp") || strings.Contains(body, "******") {
			t.Errorf("snapshot lacks the clear DSN: %s", body)
		}
	}
}

// TestSecretPlaceholderWithoutValue: ****** with nothing to keep is a 400
// naming the field.
func TestSecretPlaceholderWithoutValue(t *testing.T) {
	t.Parallel()
	e := newSealedEnv(t)
	e.must(http.StatusOK, "POST", "/apply", e.admin, applyBody(
		`{"kind":"connection","name":"hdr","spec":{"type":"http","http":{"baseURL":"https://x.example.com","auth":{"type":"header","header":"X-Key"}}}}`))
	newDB := `{"kind":"connection","name":"fresh","spec":{"type":"database","database":{"driver":"sqlite","dsn":"******"}}}`
	tests := []struct {
		name, method, path, body string
		wantPath                 string
		wantMsg                  string
	}{
		{"apply of a new component", "POST", "/apply", applyBody(connDoc, newDB), "components[1].spec.database.dsn", "does not exist yet"},
		{"dry run of a new component", "POST", "/apply", `{"dryRun":true,"components":[` + newDB + `]}`, "components[0].spec.database.dsn", "does not exist yet"},
		{"PUT of a new component", "PUT", "/components/connection/fresh", newDB, "spec.database.dsn", "does not exist yet"},
		{"no current value at that field", "POST", "/apply",
			applyBody(`{"kind":"connection","name":"hdr","spec":{"type":"http","http":{"baseURL":"https://x.example.com","auth":{"type":"header","header":"X-Key","value":"******"}}}}`),
			"components[0].spec.http.auth.value", "has no current value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := e.must(http.StatusBadRequest, tc.method, tc.path, e.admin, tc.body).problem(t)
			if !slices.Contains(p.paths(), tc.wantPath) {
				t.Fatalf("errors at %v, want %s", p.paths(), tc.wantPath)
			}
			for _, f := range p.Errors {
				if f.Path == tc.wantPath && !strings.Contains(f.Message, tc.wantMsg) {
					t.Errorf("message %q, want it to say %q", f.Message, tc.wantMsg)
				}
			}
		})
	}
	// Nothing was written: all or nothing.
	if _, err := e.store.GetComponent(context.Background(), model.Ref{Kind: model.KindConnection, Name: "db"}); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("connection db exists after a refused apply: %v", err)
	}
}

func TestIssueToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.must(http.StatusCreated, "POST", "/environments", e.admin, map[string]any{"name": "dev"})
	ctx := context.Background()
	start := e.clock.now()
	clear, tok, err := e.srv.IssueToken(ctx, "admin", "serve-runtime", model.RoleRuntime, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(clear, tokenPrefix) || tok.Name != "serve-runtime" || tok.Role != model.RoleRuntime || tok.Username != "admin" || tok.Session {
		t.Fatalf("IssueToken = %q, %+v", clear, tok)
	}
	if tok.ExpiresAt == nil || tok.ExpiresAt.Sub(start) < time.Hour || tok.ExpiresAt.Sub(start) > time.Hour+time.Minute {
		t.Fatalf("expires at %v, want an hour after %v", tok.ExpiresAt, start)
	}
	var who whoami
	e.must(http.StatusOK, "GET", "/whoami", clear, nil).json(t, &who)
	if who.Role != model.RoleRuntime || who.TokenID != tok.ID {
		t.Fatalf("whoami = %+v", who)
	}
	e.must(http.StatusOK, "GET", "/environments/dev/snapshot", clear, nil)
	e.must(http.StatusForbidden, "POST", "/apply", clear, applyBody(connDoc))

	forever, tok2, err := e.srv.IssueToken(ctx, "admin", "ci", model.RolePublisher, 0)
	if err != nil || tok2.ExpiresAt != nil || forever == clear {
		t.Fatalf("IssueToken without ttl = %+v, %v", tok2, err)
	}

	bad := []struct {
		name, user, token string
		role              model.Role
		ttl               time.Duration
	}{
		{"bad name", "admin", "no spaces", model.RoleRuntime, time.Hour},
		{"bad role", "admin", "x", model.Role("root"), time.Hour},
		{"negative ttl", "admin", "x", model.RoleRuntime, -time.Second},
	}
	for _, b := range bad {
		if _, _, err := e.srv.IssueToken(ctx, b.user, b.token, b.role, b.ttl); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", b.name, err)
		}
	}
	if _, _, err := e.srv.IssueToken(ctx, "nobody", "x", model.RoleRuntime, time.Hour); err == nil {
		t.Error("a token for an unknown user was issued")
	}
}

func TestIssueTokenOwner(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("vic", "viewer")
	e.must(http.StatusOK, "PATCH", "/users/vic", e.admin, map[string]any{"disabled": true})
	tests := []struct {
		name, user string
		role       model.Role
		want       error
	}{
		{"unknown user", "nobody", model.RoleRuntime, model.ErrNotFound},
		{"disabled user", "vic", model.RoleViewer, model.ErrForbidden},
		{"role above the owner's", "vic", model.RoleAdmin, model.ErrForbidden},
	}
	for _, tc := range tests {
		if _, _, err := e.srv.IssueToken(context.Background(), tc.user, "x", tc.role, time.Hour); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}
