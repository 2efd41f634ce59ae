package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func gold() *model.Plan {
	return &model.Plan{Name: "gold", Description: "for partners", Spec: model.PlanSpec{
		Rate:           &model.PlanRate{Requests: 100, Per: "second", Burst: 20},
		Quota:          &model.PlanQuota{Requests: 100000, Per: "month"},
		MaxMessageSize: 1 << 20,
	}}
}

// testPlans: create, identical (unchanged, no revision bump), update (bump
// everywhere), create-only conflicts, validation, delete refused while used.
func testPlans(t *testing.T, s store.Store) {
	ctx := context.Background()
	putEnv(t, s, "dev")
	putEnv(t, s, "prod")
	p, action, err := s.PutPlan(ctx, gold(), true)
	if err != nil || action != store.Created || p.Spec.Status != model.StatusActive || p.CreatedAt.IsZero() {
		t.Fatalf("PutPlan = %+v, %s, %v", p, action, err)
	}
	if revision(t, s, "dev") != 2 || revision(t, s, "prod") != 2 {
		t.Fatalf("a new plan bumps every environment: dev %d prod %d", revision(t, s, "dev"), revision(t, s, "prod"))
	}
	if _, action, err = s.PutPlan(ctx, gold(), false); err != nil || action != store.Unchanged {
		t.Fatalf("same plan again = %s, %v", action, err)
	}
	if revision(t, s, "dev") != 2 {
		t.Fatal("an unchanged plan bumped the revision")
	}
	_, _, err = s.PutPlan(ctx, gold(), true)
	wantErr(t, err, model.ErrConflict, "gold")
	changed := gold()
	changed.Spec.Rate.Requests = 50
	if _, action, err = s.PutPlan(ctx, changed, false); err != nil || action != store.Updated {
		t.Fatalf("changed plan = %s, %v", action, err)
	}
	if revision(t, s, "prod") != 3 {
		t.Fatalf("a changed plan bumps every environment: prod %d", revision(t, s, "prod"))
	}
	got, err := s.GetPlan(ctx, "gold")
	if err != nil || got.Spec.Rate.Requests != 50 || got.Spec.Quota.Per != "month" || got.Description != "for partners" {
		t.Fatalf("GetPlan = %+v, %v", got, err)
	}
	_, _, err = s.PutPlan(ctx, &model.Plan{Name: "bad", Spec: model.PlanSpec{Rate: &model.PlanRate{Requests: 1, Per: "fortnight"}}}, false)
	wantErr(t, err, model.ErrInvalid, "spec.rate.per")
	_, err = s.GetPlan(ctx, "silver")
	wantErr(t, err, model.ErrNotFound, "silver")

	if _, _, err := s.PutPlan(ctx, &model.Plan{Name: "free", Spec: model.PlanSpec{Keyless: true}}, false); err != nil {
		t.Fatal(err)
	}
	list, next, err := s.ListPlans(ctx, store.Page{Limit: 1})
	if err != nil || len(list) != 1 || list[0].Name != "free" || next == "" {
		t.Fatalf("ListPlans page 1 = %v %q %v", list, next, err)
	}
	list, next, err = s.ListPlans(ctx, store.Page{Limit: 1, Cursor: next})
	if err != nil || len(list) != 1 || list[0].Name != "gold" || next != "" {
		t.Fatalf("ListPlans page 2 = %v %q %v", list, next, err)
	}

	if _, _, err := s.PutApplication(ctx, &model.Application{Name: "shop", Spec: model.ApplicationSpec{
		Subscriptions: []model.Subscription{{API: "erp", Plan: "gold"}}}}, false); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.DeletePlan(ctx, "gold"), model.ErrInUse, "shop")
	wantErr(t, s.DeletePlan(ctx, "silver"), model.ErrNotFound)
	before := revision(t, s, "dev")
	if err := s.DeletePlan(ctx, "free"); err != nil {
		t.Fatal(err)
	}
	if revision(t, s, "dev") != before+1 {
		t.Fatal("deleting a plan does not bump the revision")
	}
	_, err = s.GetPlan(ctx, "free")
	wantErr(t, err, model.ErrNotFound)
}

// testApplications: create with subscriptions, unchanged on the same
// content, keys survive a put, subscribe/unsubscribe, missing plans refused
// with a field path, delete takes keys along.
func testApplications(t *testing.T, s store.Store) {
	ctx := context.Background()
	putEnv(t, s, "dev")
	if _, _, err := s.PutPlan(ctx, gold(), false); err != nil {
		t.Fatal(err)
	}
	app := &model.Application{Name: "shop", Description: "web shop", Spec: model.ApplicationSpec{
		Owner: "acme", Contact: "dev@acme.example",
		Subscriptions: []model.Subscription{{API: "erp", Version: "v1", Plan: "gold"}, {API: "crm", Plan: "gold"}},
	}}
	got, action, err := s.PutApplication(ctx, app, true)
	if err != nil || action != store.Created || got.Spec.Status != model.StatusActive || len(got.Spec.Subscriptions) != 2 ||
		got.Spec.Subscriptions[0] != app.Spec.Subscriptions[0] || got.Spec.Contact != "dev@acme.example" {
		t.Fatalf("PutApplication = %+v, %s, %v", got, action, err)
	}
	rev := revision(t, s, "dev")
	if _, action, err = s.PutApplication(ctx, app, false); err != nil || action != store.Unchanged || revision(t, s, "dev") != rev {
		t.Fatalf("same application again = %s, %v (revision %d, was %d)", action, err, revision(t, s, "dev"), rev)
	}
	_, _, err = s.PutApplication(ctx, app, true)
	wantErr(t, err, model.ErrConflict)

	exp := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
	key := &model.APIKey{Prefix: "pk_abcd", Hash: model.HashAPIKey("pk_abcdefgh"), ExpiresAt: &exp}
	if err := s.CreateAPIKey(ctx, "shop", key); err != nil || key.ID == "" {
		t.Fatalf("CreateAPIKey = %v (id %q)", err, key.ID)
	}
	if revision(t, s, "dev") != rev+1 {
		t.Fatal("a new key does not bump the revision")
	}
	wantErr(t, s.CreateAPIKey(ctx, "shop", &model.APIKey{Prefix: "pk_abcd", Hash: key.Hash}), model.ErrConflict)
	wantErr(t, s.CreateAPIKey(ctx, "nobody", &model.APIKey{Prefix: "pk_x", Hash: "00"}), model.ErrNotFound)

	app.Spec.Status = model.StatusDisabled
	got, action, err = s.PutApplication(ctx, app, false)
	if err != nil || action != store.Updated || got.Spec.Status != model.StatusDisabled || len(got.Keys) != 1 {
		t.Fatalf("disable = %+v, %s, %v", got, action, err)
	}
	k := got.Keys[0]
	if k.ID != key.ID || k.Hash != key.Hash || k.Prefix != "pk_abcd" || k.Status != model.StatusActive || k.ExpiresAt == nil || !k.ExpiresAt.Equal(exp) {
		t.Fatalf("stored key = %+v, want %+v", k, key)
	}

	_, _, err = s.PutApplication(ctx, &model.Application{Name: "other", Spec: model.ApplicationSpec{
		Subscriptions: []model.Subscription{{API: "erp", Plan: "gold"}, {API: "crm", Plan: "platinum"}}}}, false)
	wantErr(t, err, model.ErrInvalid, "spec.subscriptions[1].plan", "platinum")
	if _, err := s.GetApplication(ctx, "other"); err == nil {
		t.Fatal("an application refused for a missing plan was saved")
	}

	if a, err := s.Subscribe(ctx, "shop", model.Subscription{API: "hr", Plan: "gold"}); err != nil || a != store.Created {
		t.Fatalf("Subscribe = %s, %v", a, err)
	}
	if a, err := s.Subscribe(ctx, "shop", model.Subscription{API: "hr", Plan: "gold"}); err != nil || a != store.Unchanged {
		t.Fatalf("Subscribe again = %s, %v", a, err)
	}
	_, err = s.Subscribe(ctx, "shop", model.Subscription{API: "hr", Plan: "platinum"})
	wantErr(t, err, model.ErrInvalid, "platinum")
	_, err = s.Subscribe(ctx, "nobody", model.Subscription{API: "hr", Plan: "gold"})
	wantErr(t, err, model.ErrNotFound)
	got, err = s.GetApplication(ctx, "shop")
	if err != nil || len(got.Spec.Subscriptions) != 3 || got.Spec.Subscriptions[2].API != "hr" {
		t.Fatalf("after Subscribe = %+v, %v", got, err)
	}
	if err := s.Unsubscribe(ctx, "shop", "erp", "v1"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.Unsubscribe(ctx, "shop", "erp", "v1"), model.ErrNotFound)

	snap, err := s.Snapshot(ctx, "dev")
	if err != nil || len(snap.Plans) != 1 || len(snap.Applications) != 1 {
		t.Fatalf("Snapshot = %+v, %v", snap, err)
	}
	sa := snap.Applications[0]
	if sa.Name != "shop" || len(sa.Keys) != 1 || sa.Keys[0].Hash != key.Hash || len(sa.Spec.Subscriptions) != 2 || snap.Plans[0].Spec.Rate.Requests != 100 {
		t.Fatalf("snapshot application = %+v, plans %+v", sa, snap.Plans)
	}

	rev = revision(t, s, "dev")
	if k, err := s.SetAPIKeyStatus(ctx, "shop", key.ID, model.StatusDisabled); err != nil || k.Status != model.StatusDisabled || k.ID != key.ID {
		t.Fatalf("SetAPIKeyStatus = %+v, %v", k, err)
	}
	if _, err := s.SetAPIKeyStatus(ctx, "shop", key.ID, model.StatusDisabled); err != nil || revision(t, s, "dev") != rev+1 {
		t.Fatalf("the same status again: %v (revision %d, want %d)", err, revision(t, s, "dev"), rev+1)
	}
	if got, _ := s.GetApplication(ctx, "shop"); got.Keys[0].Status != model.StatusDisabled {
		t.Fatalf("stored key status %s", got.Keys[0].Status)
	}
	_, err = s.SetAPIKeyStatus(ctx, "shop", "nope", model.StatusActive)
	wantErr(t, err, model.ErrNotFound)
	_, err = s.SetAPIKeyStatus(ctx, "shop", key.ID, "paused")
	wantErr(t, err, model.ErrInvalid)

	wantErr(t, s.DeleteAPIKey(ctx, "shop", "nope"), model.ErrNotFound)
	if err := s.DeleteAPIKey(ctx, "shop", key.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetApplication(ctx, "shop"); len(got.Keys) != 0 {
		t.Fatalf("revoked key still listed: %+v", got.Keys)
	}
	if err := s.CreateAPIKey(ctx, "shop", &model.APIKey{Prefix: "pk_2", Hash: model.HashAPIKey("second")}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteApplication(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.DeleteApplication(ctx, "shop"), model.ErrNotFound)
	// The deleted application's key and subscriptions went with it: its name
	// and the hash are free again, and the plan is no longer in use.
	if _, _, err := s.PutApplication(ctx, &model.Application{Name: "shop"}, true); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAPIKey(ctx, "shop", &model.APIKey{Prefix: "pk_2", Hash: model.HashAPIKey("second")}); err != nil {
		t.Fatalf("hash of a deleted application's key: %v", err)
	}
	if err := s.DeletePlan(ctx, "gold"); err != nil {
		t.Fatal(err)
	}
}

// testApplicationsPagination pages through applications with their keys.
func testApplicationsPagination(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i := range 5 {
		name := fmt.Sprintf("app%d", i)
		if _, _, err := s.PutApplication(ctx, &model.Application{Name: name}, false); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateAPIKey(ctx, name, &model.APIKey{Prefix: "pk_" + name, Hash: model.HashAPIKey(name)}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	cursor := ""
	for range 4 {
		page, next, err := s.ListApplications(ctx, store.Page{Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page {
			if len(a.Keys) != 1 || a.Keys[0].Prefix != "pk_"+a.Name {
				t.Fatalf("%s listed with keys %+v", a.Name, a.Keys)
			}
			names = append(names, a.Name)
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if fmt.Sprint(names) != "[app0 app1 app2 app3 app4]" {
		t.Fatalf("pages = %v", names)
	}
	_, _, err := s.ListApplications(ctx, store.Page{Cursor: "!!"})
	wantErr(t, err, model.ErrInvalid)
}

// testConcurrentGlobalWrites: plans and keys written at once from many
// connections, beside deploys, each bump every environment exactly once
// and never deadlock.
func testConcurrentGlobalWrites(t *testing.T, s store.Store) {
	ctx := context.Background()
	putEnv(t, s, "dev")
	putEnv(t, s, "prod")
	p := erpPackages(t, s, "1.0.0")[0]
	if _, _, err := s.PutApplication(ctx, &model.Application{Name: "shop"}, false); err != nil {
		t.Fatal(err)
	}
	base := revision(t, s, "prod")
	const n = 8
	errs := make(chan error, 2*n+1)
	for i := range n {
		go func() {
			_, _, err := s.PutPlan(ctx, &model.Plan{Name: fmt.Sprintf("plan%d", i)}, true)
			errs <- err
		}()
		go func() {
			errs <- s.CreateAPIKey(ctx, "shop", &model.APIKey{Prefix: "pk_", Hash: model.HashAPIKey(fmt.Sprint("k", i))})
		}()
	}
	go func() {
		_, _, err := s.Deploy(ctx, "dev", p.ID, "tester")
		errs <- err
	}()
	for range 2*n + 1 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := revision(t, s, "prod"); got != base+2*n {
		t.Fatalf("prod revision %d after %d global writes from %d, want %d", got, 2*n, base, base+2*n)
	}
	if got := revision(t, s, "dev"); got != base+2*n+1 {
		t.Fatalf("dev revision %d, want %d (global writes and one deploy)", got, base+2*n+1)
	}
}
