package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// collect pages through list with limit, checking that only the last page
// has no cursor and no page is longer than limit.
func collect[T any](t *testing.T, what string, limit int, list func(store.Page) ([]T, string, error), key func(T) string) []string {
	t.Helper()
	var keys []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatalf("%s: more than 100 pages", what)
		}
		items, next, err := list(store.Page{Limit: limit, Cursor: cursor})
		if err != nil {
			t.Fatalf("%s page %d: %v", what, pages, err)
		}
		if len(items) > limit {
			t.Fatalf("%s page %d: %d items, limit %d", what, pages, len(items), limit)
		}
		for _, it := range items {
			keys = append(keys, key(it))
		}
		if next == "" {
			return keys
		}
		if len(items) != limit {
			t.Fatalf("%s page %d: short page (%d) with a next cursor", what, pages, len(items))
		}
		cursor = next
	}
}

// wantKeys checks that got holds exactly want, in order: no duplicates, no misses.
func wantKeys(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: paged\n%v\nwant\n%v", what, got, want)
	}
}

func testPagination(t *testing.T, s store.Store) {
	ctx := context.Background()

	// Components: 23 connections and 2 processes, by kind then name.
	var comps []*model.Component
	var wantConns []string
	for i := range 23 {
		name := fmt.Sprintf("c%02d", i)
		comps = append(comps, connection(name))
		wantConns = append(wantConns, "connection/"+name)
	}
	comps = append(comps, process("p1", "c00", "SELECT 1"), process("p0", "c00", "SELECT 1"))
	apply(t, s, comps...)
	compKey := func(c *model.Component) string { return c.Ref().String() }
	for _, limit := range []int{1, 5, 23, 24, 100} {
		got := collect(t, "components", limit, func(p store.Page) ([]*model.Component, string, error) {
			return s.ListComponents(ctx, "", p)
		}, compKey)
		wantKeys(t, fmt.Sprintf("components limit %d", limit), got, append(slices.Clone(wantConns), "process/p0", "process/p1"))
	}
	got := collect(t, "connections", 4, func(p store.Page) ([]*model.Component, string, error) {
		return s.ListComponents(ctx, model.KindConnection, p)
	}, compKey)
	wantKeys(t, "connections", got, wantConns)
	// Limit 0 is the default page size; a huge limit is clamped, not refused.
	for _, limit := range []int{0, -3, store.MaxPageLimit + 1000} {
		items, next, err := s.ListComponents(ctx, "", store.Page{Limit: limit})
		if err != nil || len(items) != 25 || next != "" {
			t.Fatalf("limit %d: %d items, next %q, %v", limit, len(items), next, err)
		}
	}
	_, _, err := s.ListComponents(ctx, "", store.Page{Cursor: "not a cursor!"})
	wantErr(t, err, model.ErrInvalid, "cursor")

	// Revisions, newest first.
	ref := model.Ref{Kind: model.KindProcess, Name: "p0"}
	var wantRevs []string
	for i := 2; i <= 7; i++ {
		apply(t, s, process("p0", "c00", fmt.Sprintf("SELECT %d", i)))
	}
	for i := 7; i >= 1; i-- {
		wantRevs = append(wantRevs, fmt.Sprint(i))
	}
	got = collect(t, "revisions", 3, func(p store.Page) ([]*model.Component, string, error) {
		return s.ListRevisions(ctx, ref, p)
	}, func(c *model.Component) string { return fmt.Sprint(c.Revision) })
	wantKeys(t, "revisions", got, wantRevs)

	// Packages, newest first.
	var wantPkgs []string
	for i := range 7 {
		p := pkg(t, s, ref, fmt.Sprintf("1.%d.0", i))
		wantPkgs = append([]string{p.ID}, wantPkgs...)
	}
	got = collect(t, "packages", 3, func(p store.Page) ([]*model.Package, string, error) {
		return s.ListPackages(ctx, &ref, p)
	}, func(p *model.Package) string { return p.ID })
	wantKeys(t, "packages", got, wantPkgs)
	got = collect(t, "all packages", 2, func(p store.Page) ([]*model.Package, string, error) {
		return s.ListPackages(ctx, nil, p)
	}, func(p *model.Package) string { return p.ID })
	wantKeys(t, "all packages", got, wantPkgs)

	// Deployment history, newest first.
	putEnv(t, s, "dev")
	var wantDeps []string
	for _, id := range slices.Backward(wantPkgs) {
		d, _, err := s.Deploy(ctx, "dev", id, "bob")
		if err != nil {
			t.Fatal(err)
		}
		wantDeps = append([]string{d.ID}, wantDeps...)
	}
	got = collect(t, "history", 3, func(p store.Page) ([]*model.Deployment, string, error) {
		return s.ListDeployments(ctx, store.DeploymentFilter{Environment: "dev", History: true}, p)
	}, func(d *model.Deployment) string { return d.ID })
	wantKeys(t, "history", got, wantDeps)

	// Environments and users by name.
	var wantEnvs, wantUsers []string
	for i := range 11 {
		name := fmt.Sprintf("e%02d", i)
		putEnv(t, s, name)
		wantEnvs = append(wantEnvs, name)
		u := fmt.Sprintf("u%02d", i)
		if err := s.CreateUser(ctx, &model.User{Username: u, Role: model.RoleViewer}); err != nil {
			t.Fatal(err)
		}
		wantUsers = append(wantUsers, u)
	}
	wantEnvs = append([]string{"dev"}, wantEnvs...)
	slices.Sort(wantEnvs)
	got = collect(t, "environments", 4, func(p store.Page) ([]*model.Environment, string, error) {
		return s.ListEnvironments(ctx, p)
	}, func(e *model.Environment) string { return e.Name })
	wantKeys(t, "environments", got, wantEnvs)
	got = collect(t, "users", 5, func(p store.Page) ([]*model.User, string, error) {
		return s.ListUsers(ctx, p)
	}, func(u *model.User) string { return u.Username })
	wantKeys(t, "users", got, wantUsers)

	// Tokens by creation.
	var wantTokens []string
	for i := range 9 {
		tok := &model.Token{Name: fmt.Sprint(i), Username: wantUsers[i%2], Role: model.RoleViewer, Hash: fmt.Sprintf("hash-%d", i)}
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		wantTokens = append(wantTokens, tok.ID)
	}
	got = collect(t, "tokens", 2, func(p store.Page) ([]*model.Token, string, error) {
		return s.ListTokens(ctx, "", p)
	}, func(t *model.Token) string { return t.ID })
	wantKeys(t, "tokens", got, wantTokens)
	var wantU0 []string
	for i, id := range wantTokens {
		if i%2 == 0 {
			wantU0 = append(wantU0, id)
		}
	}
	got = collect(t, "tokens of u00", 2, func(p store.Page) ([]*model.Token, string, error) {
		return s.ListTokens(ctx, "u00", p)
	}, func(t *model.Token) string { return t.ID })
	wantKeys(t, "tokens of u00", got, wantU0)
}
