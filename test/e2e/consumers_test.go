package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestAPIUsersAndAudit manages API users through the CLI and YAML, checks
// what the runtime receives in its snapshot, and reads the audit log.
func TestAPIUsersAndAudit(t *testing.T) {
	t.Parallel()
	srv := startServer(t, baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword),
		"--listen", "127.0.0.1:0", "--gateway-listen", "127.0.0.1:0", "--data", t.TempDir())
	login := newUser(t, srv.URL)
	if r := login.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	adminToken := strings.TrimSpace(login.ok("token", "create", "--name", "e2e", "--role", "admin", "-o", "value"))
	admin := newUser(t, srv.URL, "PORTICO_TOKEN="+adminToken)

	// A deploy, for the audit log.
	admin.ok("apply", "-f", "testdata/erp.yaml")
	admin.ok("package", "erp", "--version", "1.0.0")
	admin.ok("deploy", "erp@1.0.0", "--env", "dev")

	// An API user with a generated token: shown once, then only its id.
	out := admin.ok("consumers", "create", "reader", "--env", "dev", "--role", "reader", "--api", "erp", "--generate-token")
	m := regexp.MustCompile(`(?m)^token \(shown once, keep it now\): (pak_\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no token in:\n%s", out)
	}
	token := m[1]
	sum := sha256.Sum256([]byte(token))
	tokenHash := hex.EncodeToString(sum[:])
	got := admin.ok("consumers", "get", "reader", "-o", "json")
	if strings.Contains(got, token) || strings.Contains(got, tokenHash) {
		t.Fatalf("get shows the token: %s", got)
	}
	contains(t, "consumers get", got, `"tokens"`, tokenHash[:16])
	// The same verbs under portico users api.
	contains(t, "users api list", admin.ok("users", "api", "list"), "reader", "dev", "1 token(s)")

	// The runtime's snapshot of dev holds the user with hashed credentials only.
	snap := snapshot(t, srv.URL, adminToken, "dev")
	i := slices.IndexFunc(snap.Consumers, func(c snapConsumer) bool { return c.Name == "reader" })
	if i < 0 || !slices.Equal(snap.Consumers[i].TokenHashes, []string{tokenHash}) || !slices.Equal(snap.Consumers[i].APIs, []string{"erp"}) {
		t.Fatalf("dev snapshot consumers = %+v", snap.Consumers)
	}

	// YAML: a clear password is hashed, never shown back; applying again
	// and applying what get writes back change nothing.
	const pw = "partner-password-123"
	doc := "kind: User\nname: partner\nspec:\n  password: " + pw + "\n  roles: [partner]\n  ipFilter:\n    enabled: true\n    cidrs: [203.0.113.0/24]\n"
	file := writeTemp(t, "partner.yaml", doc)
	wantLines(t, "apply user", admin.ok("apply", "-f", file), "user/partner created")
	wantLines(t, "apply user again", admin.ok("apply", "-f", file), "user/partner unchanged")
	back := admin.ok("get", "consumers", "partner", "-o", "yaml")
	if strings.Contains(back, pw) || strings.Contains(back, "argon2") {
		t.Fatalf("get -o yaml shows a secret:\n%s", back)
	}
	contains(t, "get -o yaml", back, "kind: User", "name: partner", "203.0.113.0/24")
	wantLines(t, "apply of get -o yaml", admin.ok("apply", "-f", writeTemp(t, "back.yaml", back)), "user/partner unchanged")
	snap = snapshot(t, srv.URL, adminToken, "dev")
	i = slices.IndexFunc(snap.Consumers, func(c snapConsumer) bool { return c.Name == "partner" })
	if i < 0 || !strings.HasPrefix(snap.Consumers[i].PasswordHash, "$argon2id$") {
		t.Fatalf("partner in the snapshot = %+v", snap.Consumers)
	}

	// set changes only what it is given; --no-password takes the password away.
	admin.ok("consumers", "set", "partner", "--api", "erp/getCustomer", "--no-password")
	var pv struct {
		HasPassword bool
		Spec        struct {
			APIs     []string
			IPFilter struct{ CIDRs []string }
		}
	}
	decodeJSON(t, admin.ok("consumers", "get", "partner", "-o", "json"), &pv)
	if pv.HasPassword || !slices.Equal(pv.Spec.APIs, []string{"erp/getCustomer"}) || !slices.Equal(pv.Spec.IPFilter.CIDRs, []string{"203.0.113.0/24"}) {
		t.Fatalf("partner after set = %+v", pv)
	}

	// Bad input: a clear refusal, nothing saved.
	r := admin.fails(1, "consumers", "create", "bad", "--allow-ip", "10.0.0.0/99")
	contains(t, "bad CIDR", r.stderr, "HTTP 400", "spec.ipFilter.cidrs[0]")
	r = admin.fails(1, "consumers", "create", "reader")
	contains(t, "duplicate", r.stderr, "HTTP 409")
	r = admin.fails(1, "apply", "-f", writeTemp(t, "weak.yaml", "kind: User\nname: weak\nspec:\n  password: short\n"))
	contains(t, "weak password", r.stderr, "HTTP 400", "spec.password")
	admin.fails(1, "consumers", "get", "bad")

	// A viewer reads API users but changes none, and cannot read the audit log.
	viewer := newUser(t, srv.URL, "PORTICO_TOKEN="+strings.TrimSpace(admin.ok("token", "create", "--name", "view", "--role", "viewer", "-o", "value")))
	contains(t, "viewer list", viewer.ok("consumers", "list"), "reader")
	contains(t, "viewer create", viewer.fails(1, "consumers", "create", "x").stderr, "HTTP 403")
	contains(t, "viewer apply user", viewer.fails(1, "apply", "-f", file).stderr, "HTTP 403")
	contains(t, "viewer audit", viewer.fails(1, "audit").stderr, "HTTP 403")

	// The audit log: the deploy with its user, the API users, no secret.
	var entries []struct {
		User, Action, Kind, Name, Address string
		Details                           map[string]string
	}
	decodeJSON(t, admin.ok("audit", "--action", "deploy", "-o", "json"), &entries)
	if len(entries) != 1 || entries[0].User != "admin" || entries[0].Name != "dev" || entries[0].Address == "" {
		t.Fatalf("deploy entries = %+v", entries)
	}
	table := admin.ok("audit", "--kind", "consumer")
	contains(t, "audit --kind consumer", table, "TIME", "USER", "create", "reader", "apply", "partner", "password=set")
	all := admin.ok("audit", "--limit", "0", "-o", "json")
	for _, secret := range []string{pw, token, adminPassword} {
		if strings.Contains(all, secret) {
			t.Fatalf("the audit log holds a secret:\n%s", all)
		}
	}
	admin.fails(2, "audit", "--since", "yesterday")

	// Deleting the user takes it out of the snapshot.
	admin.ok("consumers", "delete", "reader")
	snap = snapshot(t, srv.URL, adminToken, "dev")
	if slices.ContainsFunc(snap.Consumers, func(c snapConsumer) bool { return c.Name == "reader" }) {
		t.Fatalf("reader still in the snapshot: %+v", snap.Consumers)
	}
}

type snapConsumer struct {
	Name         string
	PasswordHash string
	TokenHashes  []string
	APIs         []string
}

// snapshot reads env's snapshot as a runtime does.
func snapshot(t *testing.T, url, token, env string) struct{ Consumers []snapConsumer } {
	t.Helper()
	req, err := http.NewRequest("GET", url+"/api/v1/environments/"+env+"/snapshot", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("snapshot: %d %s", res.StatusCode, b)
	}
	var s struct{ Consumers []snapConsumer }
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}
