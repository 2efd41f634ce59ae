package platform

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func TestPlansAndApplications(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	gold := map[string]any{"name": "gold", "spec": map[string]any{
		"rate": map[string]any{"requests": 100, "per": "second"}, "quota": map[string]any{"requests": 1000, "per": "month"}, "maxMessageSize": 1024}}
	var p model.Plan
	e.must(http.StatusCreated, "POST", "/plans", e.admin, gold).json(t, &p)
	if p.Spec.Status != model.StatusActive || p.Spec.Rate.Requests != 100 {
		t.Fatalf("plan %+v", p)
	}
	e.must(http.StatusConflict, "POST", "/plans", e.admin, gold)
	var res store.ApplyResult
	e.must(http.StatusOK, "PUT", "/plans/gold", e.admin, gold).json(t, &res)
	if res.Action != store.Unchanged {
		t.Fatalf("same plan: %s", res.Action)
	}
	a := e.must(http.StatusBadRequest, "PUT", "/plans/bad", e.admin, map[string]any{"spec": map[string]any{
		"rate": map[string]any{"requests": 0, "per": "week"}, "quota": map[string]any{"requests": 1, "per": "year"}}})
	if got := strings.Join(a.problem(t).paths(), ","); got != "spec.rate.requests,spec.rate.per,spec.quota.per" {
		t.Fatalf("paths %s", got)
	}
	e.must(http.StatusBadRequest, "PUT", "/plans/gold", e.admin, map[string]any{"name": "silver", "spec": map[string]any{}})
	e.must(http.StatusBadRequest, "PUT", "/plans/gold", e.admin, map[string]any{"spec": map[string]any{"rate": map[string]any{"requests": 1, "per": "second", "burts": 1}}})

	app := map[string]any{"name": "shop", "spec": map[string]any{"owner": "acme", "contact": "dev@acme.example",
		"subscriptions": []any{map[string]any{"api": "erp", "plan": "gold"}}}}
	e.must(http.StatusCreated, "POST", "/applications", e.admin, app)
	e.must(http.StatusConflict, "POST", "/applications", e.admin, app)
	a = e.must(http.StatusBadRequest, "PUT", "/applications/other", e.admin, map[string]any{"spec": map[string]any{
		"contact": "not an address", "subscriptions": []any{map[string]any{"api": "erp", "plan": "platinum"}}}})
	if got := strings.Join(a.problem(t).paths(), ","); got != "spec.contact" {
		t.Fatalf("paths %s", got)
	}
	a = e.must(http.StatusBadRequest, "PUT", "/applications/other", e.admin, map[string]any{"spec": map[string]any{
		"subscriptions": []any{map[string]any{"api": "erp", "plan": "platinum"}}}})
	if got := strings.Join(a.problem(t).paths(), ","); got != "spec.subscriptions[0].plan" {
		t.Fatalf("paths %s", got)
	}
	e.must(http.StatusBadRequest, "PUT", "/applications/shop", e.admin, map[string]any{"keys": []any{map[string]any{"id": "x"}}})

	// The clear key is in the creation answer, and nowhere afterwards.
	var key newKeyAnswer
	e.must(http.StatusCreated, "POST", "/applications/shop/keys", e.admin, nil).json(t, &key)
	if !strings.HasPrefix(key.Key, "pk_") || len(key.Key) != 3+52 || key.Prefix != key.Key[:keyPrefixLen] || key.ID == "" || key.Status != model.StatusActive {
		t.Fatalf("new key %+v", key)
	}
	for _, path := range []string{"/applications/shop", "/applications", "/applications/shop/keys"} {
		body := string(e.must(http.StatusOK, "GET", path, e.admin, nil).body)
		if strings.Contains(body, key.Key) || strings.Contains(body, model.HashAPIKey(key.Key)) || !strings.Contains(body, key.Prefix) {
			t.Fatalf("GET %s shows the key or its hash, or not its prefix: %s", path, body)
		}
	}
	e.must(http.StatusBadRequest, "POST", "/applications/shop/keys", e.admin, map[string]any{"expiresAt": "2001-01-01T00:00:00Z"})
	e.must(http.StatusNotFound, "POST", "/applications/nobody/keys", e.admin, nil)

	// Only the hash reaches runtimes, in every environment's snapshot.
	e.must(http.StatusCreated, "POST", "/environments", e.admin, map[string]any{"name": "dev"})
	var snap model.Snapshot
	e.must(http.StatusOK, "GET", "/environments/dev/snapshot", e.admin, nil).json(t, &snap)
	if len(snap.Applications) != 1 || len(snap.Applications[0].Keys) != 1 || snap.Applications[0].Keys[0].Hash != model.HashAPIKey(key.Key) || len(snap.Plans) != 1 {
		t.Fatalf("snapshot applications %+v plans %+v", snap.Applications, snap.Plans)
	}

	e.must(http.StatusCreated, "POST", "/applications/shop/subscriptions", e.admin, map[string]any{"api": "crm", "version": "v1", "plan": "gold"})
	e.must(http.StatusOK, "POST", "/applications/shop/subscriptions", e.admin, map[string]any{"api": "crm", "version": "v1", "plan": "gold"})
	e.must(http.StatusBadRequest, "POST", "/applications/shop/subscriptions", e.admin, map[string]any{"api": "crm", "plan": "platinum"})
	var subs list[model.Subscription]
	e.must(http.StatusOK, "GET", "/applications/shop/subscriptions", e.admin, nil).json(t, &subs)
	if len(subs.Items) != 2 || subs.Items[1] != (model.Subscription{API: "crm", Version: "v1", Plan: "gold"}) {
		t.Fatalf("subscriptions %+v", subs.Items)
	}
	e.must(http.StatusConflict, "DELETE", "/plans/gold", e.admin, nil)
	e.must(http.StatusNotFound, "DELETE", "/applications/shop/subscriptions/crm", e.admin, nil)
	e.must(http.StatusNoContent, "DELETE", "/applications/shop/subscriptions/crm?version=v1", e.admin, nil)
	var patched model.APIKey
	e.must(http.StatusOK, "PATCH", "/applications/shop/keys/"+key.ID, e.admin, map[string]any{"status": "disabled"}).json(t, &patched)
	if patched.Status != model.StatusDisabled || patched.Hash != "" {
		t.Fatalf("patched key %+v", patched)
	}
	e.must(http.StatusOK, "GET", "/environments/dev/snapshot", e.admin, nil).json(t, &snap)
	if snap.Applications[0].Keys[0].Status != model.StatusDisabled {
		t.Fatalf("the snapshot's key is %s", snap.Applications[0].Keys[0].Status)
	}
	e.must(http.StatusBadRequest, "PATCH", "/applications/shop/keys/"+key.ID, e.admin, map[string]any{"status": "off"})
	e.must(http.StatusNotFound, "PATCH", "/applications/shop/keys/nope", e.admin, map[string]any{"status": "active"})
	e.must(http.StatusNoContent, "DELETE", "/applications/shop/keys/"+key.ID, e.admin, nil)
	e.must(http.StatusNotFound, "DELETE", "/applications/shop/keys/"+key.ID, e.admin, nil)
	e.must(http.StatusNoContent, "DELETE", "/applications/shop", e.admin, nil)
	e.must(http.StatusNoContent, "DELETE", "/plans/gold", e.admin, nil)
	e.must(http.StatusNotFound, "GET", "/plans/gold", e.admin, nil)
}

func TestApplicationsPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	viewer := e.user("vic", "viewer")
	publisher := e.user("pat", "publisher")
	operator := e.user("otto", "operator")
	plan := map[string]any{"name": "free", "spec": map[string]any{}}
	e.must(http.StatusForbidden, "POST", "/plans", viewer, plan)
	e.must(http.StatusForbidden, "POST", "/plans", publisher, plan)
	e.must(http.StatusCreated, "POST", "/plans", operator, plan)
	e.must(http.StatusOK, "GET", "/plans", viewer, nil)
	e.must(http.StatusForbidden, "POST", "/applications", viewer, map[string]any{"name": "a"})
	e.must(http.StatusCreated, "POST", "/applications", operator, map[string]any{"name": "a"})
	e.must(http.StatusForbidden, "POST", "/applications/a/keys", viewer, nil)
	e.must(http.StatusCreated, "POST", "/applications/a/keys", operator, nil)
	e.must(http.StatusOK, "GET", "/applications/a/keys", viewer, nil)
	e.must(http.StatusUnauthorized, "GET", "/applications", "", nil)
}

// TestApplicationChangeWakesSnapshots: applications are global, so a
// change wakes the snapshot waiters of every environment at once.
func TestApplicationChangeWakesSnapshots(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.PollInterval = time.Hour })
	e.must(http.StatusCreated, "POST", "/environments", e.admin, map[string]any{"name": "dev"})
	e.must(http.StatusCreated, "POST", "/environments", e.admin, map[string]any{"name": "prod"})
	var waits []<-chan answer
	for _, env := range []string{"dev", "prod"} {
		rev := revisionOf(t, e.must(http.StatusOK, "GET", "/environments/"+env+"/snapshot", e.admin, nil))
		waits = append(waits, e.waitForSnapshotOf(context.Background(), env, rev, "60s"))
	}
	time.Sleep(50 * time.Millisecond) // let the requests start waiting (it works either way)
	e.must(http.StatusCreated, "POST", "/plans", e.admin, map[string]any{"name": "free", "spec": map[string]any{"keyless": true}})
	for i, got := range waits {
		select {
		case a := <-got:
			var snap model.Snapshot
			a.json(t, &snap)
			if a.status != http.StatusOK || len(snap.Plans) != 1 {
				t.Fatalf("environment %d: status %d: %s", i, a.status, a.body)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("environment %d: the waiting snapshot request did not wake up", i)
		}
	}
}

// waitForSnapshotOf long-polls env's snapshot in the background.
func (e *testEnv) waitForSnapshotOf(ctx context.Context, env string, after int64, wait string) <-chan answer {
	ch := make(chan answer, 1)
	go func() {
		ch <- e.doCtx(ctx, "GET", "/environments/"+env+"/snapshot?wait="+wait+"&after="+strconv.FormatInt(after, 10), e.admin, nil, "")
	}()
	return ch
}
