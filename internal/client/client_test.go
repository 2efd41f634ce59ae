package client_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/manifest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/platform"
	"github.com/portico-dev/portico/internal/store/dial"
)

const adminPassword = "client-test-password"

// startPlatform serves a real platform API on a SQLite store in a temporary
// directory and returns an admin client of it.
func startPlatform(t *testing.T) *client.Client {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	st, err := dial.Open(ctx, "sqlite:", t.TempDir(), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p, err := platform.New(platform.Config{Store: st, Logger: logger, Version: "test",
		PasswordParams: platform.PasswordParams{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	if _, err := p.Bootstrap(ctx, adminPassword); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.PutEnvironment(ctx, &model.Environment{Name: "dev"}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)
	anon, err := client.New(srv.URL+"/", "", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	s, err := anon.SignIn(ctx, "admin", adminPassword)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if s.Role != model.RoleAdmin || s.ExpiresAt.IsZero() {
		t.Errorf("session = %+v", s)
	}
	return anon.WithToken(s.Token)
}

// processes returns n minimal process components named p0, p1, ...
func processes(t *testing.T, n int) []*model.Component {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "---\nkind: Process\nname: p%d\nspec:\n  steps:\n    - return: {}\n", i)
	}
	docs, err := manifest.Decode("procs.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*model.Component, len(docs))
	for i, d := range docs {
		out[i] = d.Component
	}
	return out
}

func TestApplyPackageDeployRollback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := startPlatform(t)

	res, err := c.Apply(ctx, client.ApplyRequest{Components: processes(t, 2), Environments: []*model.Environment{{Name: "prod"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || res[0].Action != "created" || res[0].Revision != 1 || res[2].Kind != "environment" {
		t.Fatalf("apply results = %+v", res)
	}
	res, err = c.Apply(ctx, client.ApplyRequest{Components: processes(t, 2), DryRun: true})
	if err != nil || res[0].Action != "unchanged" {
		t.Fatalf("dry run = %+v, %v", res, err)
	}

	root := model.Ref{Kind: model.KindProcess, Name: "p0"}
	comp, err := c.GetComponent(ctx, root)
	if err != nil || comp.Revision != 1 || comp.Spec == nil {
		t.Fatalf("get = %+v, %v", comp, err)
	}
	for _, v := range []string{"1.0.0", "1.1.0"} {
		if _, err := c.CreatePackage(ctx, client.CreatePackageRequest{Component: root, Version: v}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.CreatePackage(ctx, client.CreatePackageRequest{Component: root, Version: "1.0.0"})
	var p *client.Problem
	if !errors.As(err, &p) || p.Status != http.StatusConflict || !errors.Is(err, model.ErrConflict) {
		t.Fatalf("duplicate version: %v", err)
	}
	pkgs, err := c.AllPackages(ctx, &root)
	if err != nil || len(pkgs) != 2 || pkgs[0].Version != "1.1.0" {
		t.Fatalf("packages = %+v, %v", pkgs, err)
	}
	if got, err := c.GetPackage(ctx, pkgs[1].ID); err != nil || got.Version != "1.0.0" {
		t.Fatalf("get package = %+v, %v", got, err)
	}

	d, changed, err := c.Deploy(ctx, client.DeployRequest{Environment: "dev", Component: &root, Version: "1.0.0"})
	if err != nil || !changed || d.Version != "1.0.0" {
		t.Fatalf("deploy = %+v, %v, %v", d, changed, err)
	}
	if _, changed, err = c.Deploy(ctx, client.DeployRequest{Environment: "dev", PackageID: pkgs[1].ID}); err != nil || changed {
		t.Fatalf("deploy again: changed=%v, %v", changed, err)
	}
	if _, _, err = c.Deploy(ctx, client.DeployRequest{Environment: "dev", Component: &root}); err != nil {
		t.Fatal(err) // the newest: 1.1.0
	}
	d, err = c.Rollback(ctx, client.RollbackRequest{Environment: "dev", Component: root})
	if err != nil || d.Version != "1.0.0" {
		t.Fatalf("rollback = %+v, %v", d, err)
	}
	hist, err := c.AllDeployments(ctx, client.DeploymentQuery{Environment: "dev", Component: &root, History: true})
	if err != nil || len(hist) != 3 {
		t.Fatalf("history = %+v, %v", hist, err)
	}
	undone, err := c.Undeploy(ctx, client.UndeployRequest{Environment: "dev", Component: root})
	if err != nil || len(undone) != 1 {
		t.Fatalf("undeploy = %+v, %v", undone, err)
	}
	active, err := c.AllDeployments(ctx, client.DeploymentQuery{Environment: "dev"})
	if err != nil || len(active) != 0 {
		t.Fatalf("active after undeploy = %+v, %v", active, err)
	}
}

func TestPaginationFollowsCursors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := startPlatform(t)
	if _, err := c.Apply(ctx, client.ApplyRequest{Components: processes(t, 7)}); err != nil {
		t.Fatal(err)
	}
	page, err := c.ListComponents(ctx, model.KindProcess, client.ListOptions{Limit: 3})
	if err != nil || len(page.Items) != 3 || page.NextCursor == "" {
		t.Fatalf("first page = %+v, %v", page, err)
	}
	seen := map[string]bool{}
	for cursor := ""; ; {
		p, err := c.ListComponents(ctx, model.KindProcess, client.ListOptions{Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range p.Items {
			if seen[it.Name] {
				t.Fatalf("%s on two pages", it.Name)
			}
			seen[it.Name] = true
		}
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	all, err := c.AllComponents(ctx, "")
	if err != nil || len(all) != 7 || len(seen) != 7 {
		t.Fatalf("all = %d, paged = %d, %v", len(all), len(seen), err)
	}
}

func TestProblems(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := startPlatform(t)
	tok, err := c.CreateToken(ctx, client.CreateTokenRequest{Name: "ro", Role: model.RoleViewer})
	if err != nil || tok.Token == "" {
		t.Fatalf("create token = %+v, %v", tok, err)
	}
	viewer := c.WithToken(tok.Token)
	if id, err := viewer.Whoami(ctx); err != nil || id.Role != model.RoleViewer || id.TokenID != tok.ID {
		t.Fatalf("whoami = %+v, %v", id, err)
	}
	badAPI := &model.Component{Kind: model.KindAPI, Name: "bad", Spec: &model.APISpec{BasePath: "/bad", Version: "v1"}}

	tests := []struct {
		name     string
		call     func() error
		status   int
		sentinel error
		want     []string
	}{
		{"not found", func() error {
			_, err := c.GetComponent(ctx, model.Ref{Kind: model.KindAPI, Name: "nope"})
			return err
		}, 404, model.ErrNotFound, []string{"nope", "HTTP 404"}},
		{"field errors", func() error {
			_, err := c.Apply(ctx, client.ApplyRequest{Components: []*model.Component{badAPI}})
			return err
		}, 400, model.ErrInvalid, []string{"basePath", "HTTP 400"}},
		{"no token", func() error {
			_, err := c.WithToken("").AllComponents(ctx, "")
			return err
		}, 401, model.ErrUnauthenticated, []string{"HTTP 401"}},
		{"role too low", func() error {
			_, err := viewer.Apply(ctx, client.ApplyRequest{Components: processes(t, 1)})
			return err
		}, 403, model.ErrForbidden, []string{"HTTP 403", "viewer"}},
		{"wrong password", func() error {
			_, err := c.SignIn(ctx, "admin", "not-the-password")
			return err
		}, 401, model.ErrUnauthenticated, []string{"HTTP 401"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var p *client.Problem
			if !errors.As(err, &p) {
				t.Fatalf("error = %v (%T), want a *client.Problem", err, err)
			}
			if p.Status != tt.status || !errors.Is(err, tt.sentinel) {
				t.Errorf("status %d (Is %v = %v), want %d", p.Status, tt.sentinel, errors.Is(err, tt.sentinel), tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestUnreachableServer(t *testing.T) {
	t.Parallel()
	c, err := client.New("http://127.0.0.1:1", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Version(context.Background())
	var ne *client.NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("error = %v (%T), want a *client.NetworkError", err, err)
	}
	if !strings.HasPrefix(err.Error(), "cannot reach the Portico control plane at http://127.0.0.1:1: ") {
		t.Errorf("error = %q", err)
	}
}

func TestNotAPortico(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "<html>gateway says no</html>", http.StatusBadGateway)
	}))
	defer srv.Close()
	c, err := client.New(srv.URL, "t", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Health(context.Background())
	var p *client.Problem
	if !errors.As(err, &p) || p.Status != http.StatusBadGateway || !strings.Contains(err.Error(), "gateway says no") {
		t.Fatalf("error = %v", err)
	}
}

func TestNewRefusesBadAddresses(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "127.0.0.1:8080", "ftp://h", "http://"} {
		if _, err := client.New(u, "", nil); err == nil {
			t.Errorf("New(%q) accepted", u)
		}
	}
}

func TestUsersAndTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := startPlatform(t)
	u, err := c.CreateUser(ctx, client.CreateUserRequest{Username: "alice", Role: model.RolePublisher, Password: "alice-password-1"})
	if err != nil || u.Role != model.RolePublisher {
		t.Fatalf("create user = %+v, %v", u, err)
	}
	op := model.RoleOperator
	disabled := true
	if u, err = c.UpdateUser(ctx, "alice", client.UserPatch{Role: &op, Disabled: &disabled}); err != nil || u.Role != op || !u.Disabled {
		t.Fatalf("update = %+v, %v", u, err)
	}
	if _, err := c.SignIn(ctx, "alice", "alice-password-1"); !errors.Is(err, model.ErrUnauthenticated) && !errors.Is(err, model.ErrForbidden) {
		t.Errorf("a disabled user signed in: %v", err)
	}
	us, err := c.AllUsers(ctx)
	if err != nil || len(us) != 2 {
		t.Fatalf("users = %+v, %v", us, err)
	}
	tok, err := c.CreateToken(ctx, client.CreateTokenRequest{Name: "ci", Role: model.RolePublisher, ExpiresIn: "1h"})
	if err != nil || tok.ExpiresAt == nil {
		t.Fatalf("token = %+v, %v", tok, err)
	}
	ts, err := c.AllTokens(ctx, "")
	if err != nil || len(ts) < 2 {
		t.Fatalf("tokens = %+v, %v", ts, err)
	}
	if err := c.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WithToken(tok.Token).Whoami(ctx); !errors.Is(err, model.ErrUnauthenticated) {
		t.Errorf("a revoked token still works: %v", err)
	}
	if err := c.DeleteUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteUser(ctx, "admin"); !errors.Is(err, model.ErrConflict) {
		t.Errorf("deleting the last admin: %v", err)
	}
	v, err := c.Version(ctx)
	if err != nil || v.Version != "test" {
		t.Errorf("version = %+v, %v", v, err)
	}
	h, err := c.Health(ctx)
	if err != nil || h.Status != "ok" {
		t.Errorf("health = %+v, %v", h, err)
	}
}

func TestComponentsAndEnvironments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := startPlatform(t)
	comp := processes(t, 1)[0]
	if r, err := c.PutComponent(ctx, comp); err != nil || r.Action != "created" {
		t.Fatalf("put = %+v, %v", r, err)
	}
	comp.Description = "changed"
	if r, err := c.PutComponent(ctx, comp); err != nil || r.Action != "updated" || r.Revision != 2 {
		t.Fatalf("put changed = %+v, %v", r, err)
	}
	revs, err := c.AllRevisions(ctx, comp.Ref())
	if err != nil || len(revs) != 2 || revs[0].Revision != 2 {
		t.Fatalf("revisions = %+v, %v", revs, err)
	}
	if r1, err := c.GetRevision(ctx, comp.Ref(), 1); err != nil || r1.Description != "" {
		t.Fatalf("revision 1 = %+v, %v", r1, err)
	}
	if err := c.DeleteComponent(ctx, comp.Ref()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetComponent(ctx, comp.Ref()); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("get after delete: %v", err)
	}

	env, err := c.CreateEnvironment(ctx, &model.Environment{Name: "staging"})
	if err != nil || env.Name != "staging" {
		t.Fatalf("create env = %+v, %v", env, err)
	}
	if _, err := c.CreateEnvironment(ctx, &model.Environment{Name: "staging"}); !errors.Is(err, model.ErrConflict) {
		t.Errorf("creating it twice: %v", err)
	}
	env.Spec.PublicURL = "https://staging.example.com"
	env.Revision, env.CreatedAt, env.UpdatedAt = 0, env.CreatedAt.UTC(), env.UpdatedAt.UTC()
	if got, err := c.PutEnvironment(ctx, env); err != nil || got.Spec.PublicURL != env.Spec.PublicURL {
		t.Fatalf("put env = %+v, %v", got, err)
	}
	if got, err := c.GetEnvironment(ctx, "staging"); err != nil || got.Spec.PublicURL != env.Spec.PublicURL {
		t.Fatalf("get env = %+v, %v", got, err)
	}
	envs, err := c.AllEnvironments(ctx)
	if err != nil || len(envs) != 2 {
		t.Fatalf("environments = %+v, %v", envs, err)
	}
	if err := c.DeleteEnvironment(ctx, "staging"); err != nil {
		t.Fatal(err)
	}
}
