package platform

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// snapshotOf reads env's snapshot as a runtime does.
func (e *testEnv) snapshotOf(env string) model.Snapshot {
	e.t.Helper()
	var snap model.Snapshot
	e.must(http.StatusOK, "GET", "/environments/"+env+"/snapshot", e.admin, nil).json(e.t, &snap)
	return snap
}

func TestConsumerReachesItsEnvironmentsSnapshotHashed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.must(http.StatusCreated, "POST", "/environments", e.admin, map[string]any{"name": "dev"})
	e.must(http.StatusCreated, "POST", "/environments", e.admin, map[string]any{"name": "prod"})
	before := e.snapshotOf("dev").Revision

	const pw = "a-long-consumer-password"
	a := e.must(http.StatusCreated, "POST", "/consumers", e.admin, map[string]any{
		"name": "erp-reader", "generateToken": true,
		"spec": map[string]any{"environments": []string{"dev"}, "roles": []string{"reader"}, "apis": []string{"erp", "erp/getCustomer"},
			"password": pw, "ipFilter": map[string]any{"enabled": true, "cidrs": []string{"10.0.0.0/8", "192.168.1.7"}}},
	})
	var v model.ConsumerView
	a.json(t, &v)
	if !strings.HasPrefix(v.Token, consumerTokenPrefix) || !v.HasPassword || len(v.Tokens) != 1 {
		t.Fatalf("created consumer = %+v", v)
	}
	if strings.Contains(string(a.body), pw) || strings.Contains(string(a.body), "$argon2id") {
		t.Fatalf("the answer shows a secret: %s", a.body)
	}

	snap := e.snapshotOf("dev")
	if snap.Revision <= before || len(snap.Consumers) != 1 {
		t.Fatalf("dev snapshot rev %d (before %d), consumers %+v", snap.Revision, before, snap.Consumers)
	}
	c := snap.Consumers[0]
	if ok, err := verifyPassword(pw, c.PasswordHash); err != nil || !ok || !strings.HasPrefix(c.PasswordHash, "$argon2id$v=19$") {
		t.Fatalf("snapshot password hash %q does not verify: %v", c.PasswordHash, err)
	}
	if !slices.Equal(c.TokenHashes, []string{hashToken(v.Token)}) || !slices.Equal(c.APIs, []string{"erp", "erp/getCustomer"}) {
		t.Fatalf("snapshot consumer = %+v", c)
	}
	if got := e.snapshotOf("prod").Consumers; len(got) != 0 {
		t.Fatalf("prod snapshot has %+v", got)
	}

	// The token is shown once: reading the consumer shows only its id.
	g := e.must(http.StatusOK, "GET", "/consumers/erp-reader", e.admin, nil)
	if strings.Contains(string(g.body), v.Token) || strings.Contains(string(g.body), hashToken(v.Token)) {
		t.Fatalf("GET shows the token: %s", g.body)
	}

	// PUT without credentials keeps them; the same password keeps its hash.
	e.must(http.StatusOK, "PUT", "/consumers/erp-reader", e.admin, map[string]any{"spec": map[string]any{"environments": []string{"dev"}, "password": pw}})
	after := e.snapshotOf("dev").Consumers[0]
	if after.PasswordHash != c.PasswordHash || !slices.Equal(after.TokenHashes, c.TokenHashes) {
		t.Fatalf("PUT lost credentials: %+v", after)
	}

	// A second token, then revoking the first.
	var two model.ConsumerView
	e.must(http.StatusCreated, "POST", "/consumers/erp-reader/tokens", e.admin, nil).json(t, &two)
	if two.Token == "" || two.Token == v.Token || len(two.Tokens) != 2 {
		t.Fatalf("second token = %+v", two)
	}
	e.must(http.StatusNoContent, "DELETE", "/consumers/erp-reader/tokens/"+v.Tokens[0], e.admin, nil)
	e.must(http.StatusNotFound, "DELETE", "/consumers/erp-reader/tokens/"+v.Tokens[0], e.admin, nil)
	if got := e.snapshotOf("dev").Consumers[0].TokenHashes; !slices.Equal(got, []string{hashToken(two.Token)}) {
		t.Fatalf("tokens after revoke = %v", got)
	}

	// The password can be taken away, not together with a new one.
	e.must(http.StatusBadRequest, "PUT", "/consumers/erp-reader", e.admin, map[string]any{"spec": map[string]any{"environments": []string{"dev"}, "password": pw}, "removePassword": true})
	var nopw model.ConsumerView
	e.must(http.StatusOK, "PUT", "/consumers/erp-reader", e.admin, map[string]any{"spec": map[string]any{"environments": []string{"dev"}}, "removePassword": true}).json(t, &nopw)
	if nopw.HasPassword || len(nopw.Tokens) != 1 || e.snapshotOf("dev").Consumers[0].PasswordHash != "" {
		t.Fatalf("after removePassword: %+v", nopw)
	}

	e.must(http.StatusNoContent, "DELETE", "/consumers/erp-reader", e.admin, nil)
	if got := e.snapshotOf("dev").Consumers; len(got) != 0 {
		t.Fatalf("dev snapshot after delete has %+v", got)
	}
}

func TestConsumerBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.must(http.StatusCreated, "POST", "/environments", e.admin, map[string]any{"name": "dev"})
	e.must(http.StatusCreated, "POST", "/consumers", e.admin, map[string]any{"name": "taken", "spec": map[string]any{}})
	cases := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		paths  []string
	}{
		{"duplicate", "POST", "/consumers", map[string]any{"name": "taken", "spec": map[string]any{}}, http.StatusConflict, nil},
		{"bad CIDR", "POST", "/consumers", map[string]any{"name": "x", "spec": map[string]any{"ipFilter": map[string]any{"enabled": true, "cidrs": []string{"10.0.0.0/8", "10.1.2.3/99"}}}}, http.StatusBadRequest, []string{"spec.ipFilter.cidrs[1]"}},
		{"unknown environment", "POST", "/consumers", map[string]any{"name": "x", "spec": map[string]any{"environments": []string{"dev", "nowhere"}}}, http.StatusBadRequest, []string{"spec.environments[1]"}},
		{"weak password", "POST", "/consumers", map[string]any{"name": "x", "spec": map[string]any{"password": "short"}}, http.StatusBadRequest, []string{"spec.password"}},
		{"empty password", "PUT", "/consumers/x", map[string]any{"spec": map[string]any{"password": ""}}, http.StatusBadRequest, []string{"spec.password"}},
		{"bad name", "POST", "/consumers", map[string]any{"name": "no spaces", "spec": map[string]any{}}, http.StatusBadRequest, []string{"name"}},
		{"bad api filter", "POST", "/consumers", map[string]any{"name": "x", "spec": map[string]any{"apis": []string{"erp/a/b"}}}, http.StatusBadRequest, []string{"spec.apis[0]"}},
		{"bad token hash", "POST", "/consumers", map[string]any{"name": "x", "spec": map[string]any{"tokenHashes": []string{"abc"}}}, http.StatusBadRequest, []string{"spec.tokenHashes[0]"}},
		{"unknown field", "POST", "/consumers", map[string]any{"name": "x", "spec": map[string]any{"passwd": "x"}}, http.StatusBadRequest, nil},
		{"path and body disagree", "PUT", "/consumers/x", map[string]any{"name": "y", "spec": map[string]any{}}, http.StatusBadRequest, []string{"name"}},
		{"token of nobody", "POST", "/consumers/nobody/tokens", nil, http.StatusNotFound, nil},
		{"delete nobody", "DELETE", "/consumers/nobody", nil, http.StatusNotFound, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := e.do(tc.method, tc.path, e.admin, tc.body)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d: %s", a.status, tc.status, a.body)
			}
			p := a.problem(t)
			for _, want := range tc.paths {
				if !slices.Contains(p.paths(), want) {
					t.Fatalf("problem paths %v lack %s", p.paths(), want)
				}
			}
		})
	}
	// Nothing of the refused requests was saved.
	var l struct{ Items []model.ConsumerView }
	e.must(http.StatusOK, "GET", "/consumers", e.admin, nil).json(t, &l)
	if len(l.Items) != 1 || l.Items[0].Name != "taken" {
		t.Fatalf("consumers after refusals = %+v", l.Items)
	}
}

func TestApplyUsersIdempotentAndAllOrNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := `{"environments":[{"name":"qa"}],"users":[{"name":"bot","spec":{"environments":["qa"],"password":"bot-password-1234","roles":["writer"]}}]}`
	var first applyAnswer
	e.must(http.StatusOK, "POST", "/apply", e.admin, body).json(t, &first)
	if len(first.Results) != 2 || first.Results[1].Kind != "user" || first.Results[1].Action != "created" {
		t.Fatalf("first apply = %+v", first.Results)
	}
	hash := e.snapshotOf("qa").Consumers[0].PasswordHash
	rev := e.snapshotOf("qa").Revision
	var again applyAnswer
	e.must(http.StatusOK, "POST", "/apply", e.admin, body).json(t, &again)
	if again.Results[1].Action != "unchanged" || e.snapshotOf("qa").Revision != rev || e.snapshotOf("qa").Consumers[0].PasswordHash != hash {
		t.Fatalf("second apply = %+v (revision %d, was %d)", again.Results, e.snapshotOf("qa").Revision, rev)
	}
	// Written back without secrets, it applies unchanged too.
	var v model.ConsumerView
	e.must(http.StatusOK, "GET", "/consumers/bot", e.admin, nil).json(t, &v)
	back := mustJSON(t, map[string]any{"users": []model.ConsumerDoc{v.ConsumerDoc}})
	var third applyAnswer
	e.must(http.StatusOK, "POST", "/apply", e.admin, back).json(t, &third)
	if third.Results[0].Action != "unchanged" {
		t.Fatalf("apply of the written-back user = %+v", third.Results)
	}

	// A bad user takes the components of the same apply down with it.
	bad := `{"components":[` + connDoc + `],"users":[{"name":"eve","spec":{"ipFilter":{"cidrs":["nope"]}}}]}`
	p := e.must(http.StatusBadRequest, "POST", "/apply", e.admin, bad).problem(t)
	if !slices.Contains(p.paths(), "users[0].spec.ipFilter.cidrs[0]") {
		t.Fatalf("paths = %v", p.paths())
	}
	e.must(http.StatusNotFound, "GET", "/components/connection/db", e.admin, nil)

	// A publisher may apply components but not users.
	pub := e.user("pat", "publisher")
	e.must(http.StatusForbidden, "POST", "/apply", pub, body)
}

func TestAuditRecordsChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pkg := e.seed()
	op := e.user("olga", "operator")
	e.must(http.StatusCreated, "POST", "/deployments", op, map[string]any{"environment": "dev", "packageId": pkg})
	// Deploying it again changes nothing and records nothing.
	e.must(http.StatusOK, "POST", "/deployments", op, map[string]any{"environment": "dev", "packageId": pkg})
	e.must(http.StatusCreated, "POST", "/consumers", e.admin, map[string]any{"name": "ci", "spec": map[string]any{"password": "ci-password-secret"}})
	// A refused change leaves no entry.
	e.must(http.StatusConflict, "POST", "/consumers", e.admin, map[string]any{"name": "ci", "spec": map[string]any{}})

	var l struct {
		Items      []model.AuditEntry
		NextCursor string
	}
	a := e.must(http.StatusOK, "GET", "/audit?action=deploy", e.admin, nil)
	a.json(t, &l)
	if len(l.Items) != 1 || l.Items[0].User != "olga" || l.Items[0].Kind != "environment" || l.Items[0].Name != "dev" ||
		l.Items[0].Details["packageId"] != pkg || l.Items[0].Address == "" || l.Items[0].Time.IsZero() {
		t.Fatalf("deploy entries = %+v", l.Items)
	}
	e.must(http.StatusOK, "GET", "/audit?kind=consumer&name=ci", e.admin, nil).json(t, &l)
	if len(l.Items) != 1 || l.Items[0].Action != "create" || l.Items[0].User != "admin" || l.Items[0].Details["password"] != "set" {
		t.Fatalf("consumer entries = %+v", l.Items)
	}
	all := e.must(http.StatusOK, "GET", "/audit?limit=500", e.admin, nil)
	for _, secret := range []string{"ci-password-secret", adminPassword, "olga-password-123"} {
		if strings.Contains(string(all.body), secret) {
			t.Fatalf("the audit log holds a secret: %s", all.body)
		}
	}
	var everything struct{ Items []model.AuditEntry }
	all.json(t, &everything)
	seen := map[string]bool{}
	for _, it := range everything.Items {
		seen[it.Action+" "+it.Kind] = true
	}
	for _, want := range []string{"sign-in token", "apply api", "apply connection", "create environment", "package api", "create user", "deploy environment", "create consumer"} {
		if !seen[want] {
			t.Errorf("no audit entry %q in %v", want, seen)
		}
	}
	// Paging and bad filters.
	e.must(http.StatusOK, "GET", "/audit?limit=2", e.admin, nil).json(t, &l)
	if len(l.Items) != 2 || l.NextCursor == "" {
		t.Fatalf("page of 2 = %+v", l)
	}
	if p := e.must(http.StatusBadRequest, "GET", "/audit?since=yesterday", e.admin, nil).problem(t); !slices.Contains(p.paths(), "since") {
		t.Fatalf("paths = %v", p.paths())
	}
	e.must(http.StatusForbidden, "GET", "/audit", e.user("vic", "viewer"), nil)
	if n, _, err := e.store.ListAudit(context.Background(), auditFilterUser("nobody"), pageOne); err != nil || len(n) != 0 {
		t.Fatalf("entries of nobody = %v, %v", n, err)
	}
}

var pageOne = store.Page{Limit: 1}

func auditFilterUser(u string) store.AuditFilter { return store.AuditFilter{User: u} }

// TestConsumerSchemasInlineTheDocument checks that the OpenAPI document
// shows the embedded document's fields where encoding/json puts them.
func TestConsumerSchemasInlineTheDocument(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any
			}
		}
	}
	e.must(http.StatusOK, "GET", "/openapi.json", "", nil).json(t, &doc)
	for schema, fields := range map[string][]string{
		"ConsumerRequest": {"name", "spec", "generateToken"},
		"ConsumerView":    {"name", "spec", "hasPassword", "tokens", "token"},
	} {
		props := doc.Components.Schemas[schema].Properties
		for _, f := range fields {
			if _, ok := props[f]; !ok {
				t.Errorf("schema %s lacks %s: %v", schema, f, props)
			}
		}
		if _, ok := props["ConsumerDoc"]; ok {
			t.Errorf("schema %s shows the embedded struct as a field", schema)
		}
	}
}
