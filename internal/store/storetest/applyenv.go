package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// testApplyWithEnvironments applies components and environments together:
// results in the order given, environment revisions bumped only by changes.
func testApplyWithEnvironments(t *testing.T, s store.Store) {
	ctx := context.Background()
	envs := func(devDescription string) []*model.Environment {
		return []*model.Environment{{Name: "prod"}, {Name: "dev", Description: devDescription}}
	}
	res, err := s.Apply(ctx, erp(), envs(""), "alice")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.ApplyResult{
		{Kind: model.KindConnection, Name: "erpdb", Action: store.Created, Revision: 1},
		{Kind: model.KindProcess, Name: "getCustomer", Action: store.Created, Revision: 1},
		{Kind: model.KindAPI, Name: "erp", Action: store.Created, Revision: 1},
		{Kind: store.KindEnvironment, Name: "prod", Action: store.Created, Revision: 1},
		{Kind: store.KindEnvironment, Name: "dev", Action: store.Created, Revision: 1},
	}
	checkResults(t, "first apply", res, want)

	comps := erp()
	comps[1] = process("getCustomer", "erpdb", "SELECT 2")
	res, err = s.Apply(ctx, comps, envs("development"), "alice")
	if err != nil {
		t.Fatal(err)
	}
	want[0].Action, want[2].Action, want[3].Action = store.Unchanged, store.Unchanged, store.Unchanged
	want[1].Action, want[1].Revision = store.Updated, 2
	want[4].Action, want[4].Revision = store.Updated, 2
	checkResults(t, "second apply", res, want)
	if rev := revision(t, s, "dev"); rev != 2 {
		t.Fatalf("dev revision %d after a description change, want 2", rev)
	}
	if rev := revision(t, s, "prod"); rev != 1 {
		t.Fatalf("prod revision %d though unchanged, want 1", rev)
	}

	_, err = s.Apply(ctx, nil, []*model.Environment{{Name: "ok"}, {Name: "bad name"}}, "alice")
	wantErr(t, err, model.ErrInvalid, "bad name")
	if _, err := s.GetEnvironment(ctx, "ok"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("an invalid apply saved environment ok: %v", err)
	}
}

func checkResults(t *testing.T, what string, got, want []store.ApplyResult) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d results, want %d: %+v", what, len(got), len(want), got)
	}
	for i := range want {
		g := got[i]
		g.Hash = ""
		if g != want[i] {
			t.Errorf("%s: result %d = %+v, want %+v", what, i, got[i], want[i])
		}
	}
}

// testCreateEnvironment: creating an existing environment is a conflict,
// also when several callers create one name at once (exactly one wins).
func testCreateEnvironment(t *testing.T, s store.Store) {
	ctx := context.Background()
	env, err := s.CreateEnvironment(ctx, &model.Environment{Name: "dev", Description: "d"})
	if err != nil || env.Revision != 1 || env.Description != "d" || env.CreatedAt.IsZero() {
		t.Fatalf("CreateEnvironment = %+v, %v", env, err)
	}
	_, err = s.CreateEnvironment(ctx, &model.Environment{Name: "dev"})
	wantErr(t, err, model.ErrConflict, "dev")
	if got, err := s.GetEnvironment(ctx, "dev"); err != nil || got.Description != "d" || got.Revision != 1 {
		t.Fatalf("dev after a refused create = %+v, %v", got, err)
	}
	_, err = s.CreateEnvironment(ctx, &model.Environment{Name: "bad name"})
	wantErr(t, err, model.ErrInvalid)

	for round := range 10 {
		name := "race" + string(rune('a'+round))
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			wins int
		)
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.CreateEnvironment(ctx, &model.Environment{Name: name})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, model.ErrConflict), errors.Is(err, model.ErrUnavailable):
				default:
					t.Errorf("create %s: %v", name, err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d concurrent creations of %s succeeded, want 1", wins, name)
		}
	}
}

// Refuse makes the database itself refuse, from now on, to insert or update
// the environment called name (a trigger raising an error), so that a test
// can fail a write half way through a transaction without mocks.
type Refuse func(t *testing.T, name string)

// RunFaults runs the conformance tests that need the database to fail on
// purpose; open returns a fresh store and its Refuse.
func RunFaults(t *testing.T, open func(t *testing.T) (store.Store, Refuse)) {
	t.Run("ApplyEnvironmentFailureWritesNothing", func(t *testing.T) {
		t.Parallel()
		s, refuse := open(t)
		testApplyEnvironmentFailure(t, s, refuse)
	})
}

// testApplyEnvironmentFailure: an apply whose last environment the
// database refuses leaves no component revision and no environment change.
func testApplyEnvironmentFailure(t *testing.T, s store.Store, refuse Refuse) {
	ctx := context.Background()
	if _, err := s.Apply(ctx, erp(), []*model.Environment{{Name: "dev"}}, "alice"); err != nil {
		t.Fatal(err)
	}
	refuse(t, "zbroken")
	comps := []*model.Component{process("getCustomer", "erpdb", "SELECT 2"), connection("extra")}
	envs := []*model.Environment{{Name: "dev", Description: "changed"}, {Name: "zbroken"}}
	if _, err := s.Apply(ctx, comps, envs, "alice"); err == nil {
		t.Fatal("Apply succeeded though the database refuses environment zbroken")
	}
	revs, _, err := s.ListRevisions(ctx, getCustomer, store.Page{})
	if err != nil || len(revs) != 1 {
		t.Fatalf("getCustomer has %d revisions after a failed apply, want 1 (%v)", len(revs), err)
	}
	if _, err := s.GetComponent(ctx, connection("extra").Ref()); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("connection extra after a failed apply: %v", err)
	}
	if env, err := s.GetEnvironment(ctx, "dev"); err != nil || env.Revision != 1 || env.Description != "" {
		t.Fatalf("dev after a failed apply = %+v, %v", env, err)
	}

	// The same failure on an update of an existing environment.
	if _, err := s.Apply(ctx, nil, []*model.Environment{{Name: "prod"}}, "alice"); err != nil {
		t.Fatal(err)
	}
	refuse(t, "prod")
	if _, err := s.Apply(ctx, comps, []*model.Environment{{Name: "prod", Description: "changed"}}, "alice"); err == nil {
		t.Fatal("Apply succeeded though the database refuses to update prod")
	}
	if revs, _, err := s.ListRevisions(ctx, getCustomer, store.Page{}); err != nil || len(revs) != 1 {
		t.Fatalf("getCustomer has %d revisions after a failed update, want 1 (%v)", len(revs), err)
	}
}
