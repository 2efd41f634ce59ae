package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

const planYAML = `kind: Plan
name: gold
description: partners
spec:
  rate: {requests: 100, per: second, burst: 200}
  quota: {requests: 1000000, per: month}
  maxMessageSize: 1048576
---
kind: Application
name: shop
spec:
  owner: acme
  contact: dev@acme.example
  subscriptions:
    - {api: erp, plan: gold}
`

// TestAppsPlansAndKeys drives plans, applications, keys and subscriptions
// through the built CLI against a real serve: YAML applies idempotently,
// the clear key is printed once and never again.
func TestAppsPlansAndKeys(t *testing.T) {
	t.Parallel()
	srv := startServer(t, baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword), "--listen", "127.0.0.1:0", "--data", t.TempDir())
	u := newUser(t, srv.URL)
	if r := u.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	file := writeTemp(t, "traffic.yaml", planYAML)
	contains(t, "first apply", u.ok("apply", "-f", file), "plan/gold created", "application/shop created")
	contains(t, "second apply", u.ok("apply", "-f", file), "plan/gold unchanged", "application/shop unchanged")
	contains(t, "dry run", u.ok("apply", "--dry-run", "-f", file), "plan/gold unchanged (dry run)")

	// What get -o yaml writes applies back unchanged.
	yamlOut := u.ok("get", "plans", "-o", "yaml")
	contains(t, "get plans -o yaml", yamlOut, "kind: Plan", "name: gold", "per: month")
	if r := u.run(yamlOut, "apply", "-f", "-"); r.code != 0 || !strings.Contains(r.stdout, "plan/gold unchanged") {
		t.Fatalf("re-apply of get plans -o yaml: %d %s %s", r.code, r.stdout, r.stderr)
	}
	appYAML := u.ok("get", "apps", "shop", "-o", "yaml")
	if r := u.run(appYAML, "apply", "-f", "-"); r.code != 0 || !strings.Contains(r.stdout, "application/shop unchanged") {
		t.Fatalf("re-apply of get apps shop -o yaml: %d %s %s\n%s", r.code, r.stdout, r.stderr, appYAML)
	}

	out := u.ok("apps", "keys", "create", "shop")
	m := regexp.MustCompile(`(?m)^key: (pk_[a-z2-7]{52})$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no key in:\n%s", out)
	}
	key := m[1]
	for _, args := range [][]string{
		{"apps", "keys", "list", "shop"}, {"apps", "keys", "list", "shop", "-o", "json"},
		{"apps", "get", "shop", "-o", "json"}, {"apps", "list", "-o", "yaml"}, {"get", "apps", "-o", "json"},
	} {
		if got := u.ok(args...); strings.Contains(got, key) || strings.Contains(got, key[12:]) {
			t.Fatalf("portico %s shows the key again:\n%s", strings.Join(args, " "), got)
		}
	}
	contains(t, "keys list", u.ok("apps", "keys", "list", "shop"), key[:11])
	var keys []struct{ ID, Status string }
	if err := json.Unmarshal([]byte(u.ok("apps", "keys", "list", "shop", "-o", "json")), &keys); err != nil || len(keys) != 1 {
		t.Fatalf("keys list -o json: %v %+v", err, keys)
	}
	contains(t, "key disable", u.ok("apps", "keys", "disable", "shop", keys[0].ID), "disabled")
	contains(t, "keys list after disable", u.ok("apps", "keys", "list", "shop"), "disabled")
	u.ok("apps", "keys", "enable", "shop", keys[0].ID)
	contains(t, "plan disable", u.ok("plans", "disable", "gold"), "plan/gold disabled (updated)")
	contains(t, "plans get", u.ok("plans", "get", "gold"), "disabled")
	u.ok("plans", "enable", "gold")

	u.ok("plans", "create", "free", "--rate", "10/minute", "--keyless")
	contains(t, "plans list", u.ok("plans", "list"), "gold", "free", "10/minute, keyless")
	contains(t, "subscribe", u.ok("apps", "subscribe", "shop", "--api", "crm", "--version", "v2", "--plan", "free"), "subscribed to crm v2 under plan free (created)")
	u.fails(1, "apps", "subscribe", "shop", "--api", "crm", "--plan", "platinum")
	u.fails(2, "plans", "create", "bad", "--rate", "10/fortnight")
	r := u.fails(1, "plans", "delete", "free")
	contains(t, "delete a plan in use", r.stderr, "shop")

	contains(t, "disable", u.ok("apps", "disable", "shop"), "application/shop disabled (updated)")
	var app struct {
		Spec struct {
			Status        string
			Subscriptions []struct{ API, Plan string }
		}
		Keys []struct{ ID, Prefix string }
	}
	if err := json.Unmarshal([]byte(u.ok("apps", "get", "shop", "-o", "json")), &app); err != nil {
		t.Fatal(err)
	}
	if app.Spec.Status != "disabled" || len(app.Keys) != 1 || len(app.Spec.Subscriptions) != 2 {
		t.Fatalf("after disable, keys and subscriptions stay: %+v", app)
	}
	u.ok("apps", "enable", "shop")
	u.ok("apps", "unsubscribe", "shop", "--api", "crm", "--version", "v2")
	u.ok("apps", "keys", "revoke", "shop", app.Keys[0].ID)
	u.fails(1, "apps", "keys", "revoke", "shop", app.Keys[0].ID)
	u.ok("delete", "plan", "free")
	u.ok("apps", "delete", "shop")
	contains(t, "apps list", u.ok("apps", "list"), "none")
}
