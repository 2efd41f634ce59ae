package storetest

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func testEnvironments(t *testing.T, s store.Store) {
	ctx := context.Background()
	steps := []struct {
		name        string
		env         model.Environment
		wantChanged bool
		wantRev     int64
	}{
		{"create", model.Environment{Name: "dev"}, true, 1},
		{"identical", model.Environment{Name: "dev"}, false, 1},
		{"description", model.Environment{Name: "dev", Description: "development"}, true, 2},
		{"spec", model.Environment{Name: "dev", Description: "development", Spec: model.EnvironmentSpec{PublicURL: "https://dev.example.com"}}, true, 3},
		{"same again", model.Environment{Name: "dev", Description: "development", Spec: model.EnvironmentSpec{PublicURL: "https://dev.example.com"}}, false, 3},
	}
	var created *model.Environment
	for _, st := range steps {
		env := st.env
		got, changed, err := s.PutEnvironment(ctx, &env)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if changed != st.wantChanged || got.Revision != st.wantRev || got.Description != st.env.Description || got.Spec != st.env.Spec {
			t.Fatalf("%s: got %+v changed=%v, want revision %d changed=%v", st.name, got, changed, st.wantRev, st.wantChanged)
		}
		if created == nil {
			created = got
		}
		if !got.CreatedAt.Equal(created.CreatedAt) || got.UpdatedAt.Before(got.CreatedAt) {
			t.Fatalf("%s: times %v %v", st.name, got.CreatedAt, got.UpdatedAt)
		}
	}
	got, err := s.GetEnvironment(ctx, "dev")
	if err != nil || got.Revision != 3 || got.Spec.PublicURL != "https://dev.example.com" || got.Description != "development" {
		t.Fatalf("GetEnvironment = %+v, %v", got, err)
	}
	if rev := revision(t, s, "dev"); rev != 3 {
		t.Fatalf("EnvironmentRevision = %d, want 3", rev)
	}
	_, _, err = s.PutEnvironment(ctx, &model.Environment{Name: "bad name"})
	wantErr(t, err, model.ErrInvalid)
	_, _, err = s.PutEnvironment(ctx, &model.Environment{Name: "x", Spec: model.EnvironmentSpec{PublicURL: "ftp://x"}})
	wantErr(t, err, model.ErrInvalid, "publicURL")
	_, err = s.GetEnvironment(ctx, "prod")
	wantErr(t, err, model.ErrNotFound, "prod")
	_, err = s.EnvironmentRevision(ctx, "prod")
	wantErr(t, err, model.ErrNotFound, "prod")

	putEnv(t, s, "prod")
	putEnv(t, s, "acc")
	list, next, err := s.ListEnvironments(ctx, store.Page{})
	if err != nil || next != "" || len(list) != 3 || list[0].Name != "acc" || list[1].Name != "dev" || list[2].Name != "prod" {
		t.Fatalf("ListEnvironments = %v, %q, %v", list, next, err)
	}
}

func testDeleteEnvironment(t *testing.T, s store.Store) {
	ctx := context.Background()
	ps := erpPackages(t, s, "1.0.0")
	putEnv(t, s, "dev")
	deploy(t, s, "dev", ps[0])
	wantErr(t, s.DeleteEnvironment(ctx, "dev"), model.ErrInUse, "dev", "api/erp")
	if _, err := s.Undeploy(ctx, "dev", erpAPI, "", "bob"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteEnvironment(ctx, "dev"); err != nil {
		t.Fatalf("delete an environment with nothing deployed: %v", err)
	}
	_, err := s.GetEnvironment(ctx, "dev")
	wantErr(t, err, model.ErrNotFound)
	wantErr(t, s.DeleteEnvironment(ctx, "dev"), model.ErrNotFound)
	// Its history went with it: a new dev starts afresh.
	e := putEnv(t, s, "dev")
	if e.Revision != 1 || len(history(t, s, "dev")) != 0 {
		t.Fatalf("re-created environment: revision %d, history %v", e.Revision, history(t, s, "dev"))
	}
	// Rollback can no longer find what the old dev ran.
	_, err = s.Rollback(ctx, "dev", erpAPI, "1.0.0", "", "bob")
	wantErr(t, err, model.ErrInvalid, "never deployed")
}
