package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestFirstSession is the README's first session on SQLite, checked step by step.
func TestFirstSession(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	srv := startServer(t, baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword), "--listen", "127.0.0.1:0", "--data", data)
	contains(t, "serve output", srv.Stdout(), "store: SQLite in "+data, "export PORTICO_SERVER="+srv.URL, "portico login --username admin")
	if strings.Contains(srv.Stdout(), "admin password:") {
		t.Errorf("a chosen admin password must not be printed:\n%s", srv.Stdout())
	}
	if _, err := os.Stat(data); err != nil {
		t.Errorf("data directory: %v", err)
	}

	scenario(t, srv.URL)

	if code := srv.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("serve exited %d on SIGTERM, want 0", code)
	}
	contains(t, "serve output", srv.Stdout(), "shutting down", "Portico control plane stopped")
}

// scenario drives a fresh control plane at url through every client verb.
func scenario(t *testing.T, url string) {
	admin := newUser(t, url)

	// Sign in; the session is saved for this server, readable by the user only.
	r := admin.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin")
	if r.code != 0 {
		t.Fatalf("login: exit %d: %s", r.code, r.stderr)
	}
	contains(t, "login", r.stdout, "signed in to "+url+" as admin (role admin)")
	creds := filepath.Join(envValue(admin.env, "XDG_CONFIG_HOME"), "portico", "credentials.json")
	if fi, err := os.Stat(creds); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v, %v; want mode 0600", fi, err)
	}
	// serve created dev so that a newcomer can deploy at once.
	contains(t, "get environments", admin.ok("get", "environments"), "dev")

	// Apply a multi-document file plus an environment, all in one call.
	out := admin.ok("apply", "-f", "testdata/erp.yaml", "-f", "testdata/prod.yaml")
	wantLines(t, "first apply", out,
		"connection/erp created (revision 1)",
		"process/listCustomers created (revision 1)",
		"process/getCustomer created (revision 1)",
		"api/erp created (revision 1)",
		"environment/prod created",
	)
	// Again, as a directory: nothing changes.
	out = admin.ok("apply", "-f", "testdata")
	if ls := lines(out); len(ls) != 5 {
		t.Errorf("apply -f testdata printed %d lines, want 5:\n%s", len(ls), out)
	}
	for _, l := range lines(out) {
		if !strings.Contains(l, " unchanged") {
			t.Errorf("second apply changed something: %q", l)
		}
	}

	// get -o yaml round-trips with apply, for one API and for everything.
	apiYAML := writeTemp(t, "erp.yaml", admin.ok("get", "api", "erp", "-o", "yaml"))
	wantLines(t, "apply of get -o yaml", admin.ok("apply", "-f", apiYAML), "api/erp unchanged (revision 1)")
	all := admin.ok("get", "components", "-o", "yaml") + "---\n" + admin.ok("get", "environments", "-o", "yaml")
	out = admin.ok("apply", "-f", writeTemp(t, "all.yaml", all))
	if n := strings.Count(out, " unchanged"); n != 6 {
		t.Errorf("re-applying get components + environments: %d unchanged, want 6 (dev, prod and 4 components):\n%s", n, out)
	}
	// The same through stdin.
	r = admin.run(admin.ok("get", "process", "getCustomer", "-o", "yaml"), "apply", "-f", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "process/getCustomer unchanged") {
		t.Errorf("apply -f - : exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	table := admin.ok("get", "apis")
	contains(t, "get apis", table, "KIND", "NAME", "REVISION", "api", "erp")

	// Package, change, package again.
	contains(t, "package", admin.ok("package", "erp", "--version", "1.0.0", "--notes", "first"),
		"package api/erp@1.0.0 created", "process/getCustomer@1", "connection/erp@1")
	changed := strings.Replace(readFile(t, "testdata/erp.yaml"), "      process: getCustomer\n",
		"      process: getCustomer\n    - name: getCustomerAgain\n      method: GET\n      path: /clients/{id}\n      process: getCustomer\n", 1)
	out = admin.ok("apply", "-f", writeTemp(t, "erp-v2.yaml", changed))
	contains(t, "apply of a changed API", out, "api/erp updated (revision 2)", "process/getCustomer unchanged")
	admin.ok("package", "api/erp", "--version", "1.1.0")
	r = admin.fails(1, "package", "erp", "--version", "1.1.0")
	contains(t, "duplicate package version", r.stderr, "1.1.0", "HTTP 409")
	contains(t, "get packages", admin.ok("get", "packages", "erp"), "1.0.0", "1.1.0", "api/erp")
	revs := admin.ok("get", "revisions", "api", "erp")
	if len(lines(revs)) != 3 {
		t.Errorf("get revisions api erp: want a header and 2 revisions:\n%s", revs)
	}
	if admin.ok("get", "api", "erp", "--revisions") != revs {
		t.Errorf("get api erp --revisions differs from get revisions api erp")
	}
	contains(t, "revision 1", admin.ok("get", "api", "erp", "--revision", "1", "-o", "yaml"), "getCustomer")

	// Deploy, replace, history, rollback.
	contains(t, "deploy 1.0.0", admin.ok("deploy", "erp@1.0.0", "--env", "dev"), "deployed api/erp@1.0.0 to dev as API version v1")
	contains(t, "deploy 1.1.0", admin.ok("deploy", "erp@1.1.0", "--env", "dev"), "deployed api/erp@1.1.0 to dev")
	contains(t, "deploy 1.1.0 again", admin.ok("deploy", "erp@1.1.0", "--env", "dev"), "already active", "unchanged")
	hist := admin.ok("deployments", "--env", "dev", "--history")
	contains(t, "history", hist, "ENVIRONMENT", "deploy", "1.0.0", "1.1.0")
	var events []struct {
		Version string
		Action  string
		Active  bool
	}
	decodeJSON(t, admin.ok("deployments", "--env", "dev", "--history", "-o", "json"), &events)
	if len(events) < 2 || events[0].Version != "1.1.0" || !events[0].Active || events[len(events)-1].Version != "1.0.0" {
		t.Errorf("history newest first with 1.1.0 active: %+v", events)
	}
	contains(t, "rollback", admin.ok("rollback", "erp", "--env", "dev"), "rolled back api/erp in dev to 1.0.0")
	r = admin.fails(1, "rollback", "erp", "--env", "dev", "--to", "9.9.9")
	contains(t, "rollback to a version never deployed", r.stderr, "9.9.9")
	var active []struct {
		Environment string
		Component   struct{ Kind, Name string }
		Version     string
		Active      bool
	}
	decodeJSON(t, admin.ok("get", "deployments", "-o", "json"), &active)
	if len(active) != 1 || active[0].Version != "1.0.0" || active[0].Environment != "dev" || !active[0].Active {
		t.Errorf("active deployments after rollback: %+v", active)
	}
	admin.fails(1, "deploy", "erp@7.0.0", "--env", "dev")
	admin.fails(1, "deploy", "erp@1.0.0", "--env", "nowhere")

	// A publisher token created by the admin works through PORTICO_TOKEN alone.
	out = admin.ok("token", "create", "--name", "ci", "--role", "publisher", "--expires", "720h")
	contains(t, "token create", out, `token "ci" created`, "role publisher", "shown once")
	ci := newUser(t, url, "PORTICO_TOKEN="+tokenFrom(t, out))
	contains(t, "publisher get", ci.ok("get", "apis"), "erp")
	wantLines(t, "publisher apply", ci.ok("apply", "-f", "testdata/erp.yaml"),
		"connection/erp unchanged (revision 1)", "process/listCustomers unchanged (revision 1)",
		"process/getCustomer unchanged (revision 1)", "api/erp updated (revision 3)")
	r = ci.fails(1, "apply", "-f", "testdata/prod.yaml")
	contains(t, "publisher applying an environment", r.stderr, "HTTP 403")
	contains(t, "token list", admin.ok("token", "list"), "ci", "publisher")

	// A viewer reads but gets a clear 403 on apply.
	viewer := newUser(t, url, "PORTICO_TOKEN="+strings.TrimSpace(admin.ok("token", "create", "--name", "view", "--role", "viewer", "-o", "value")))
	viewer.ok("get", "apis")
	r = viewer.fails(1, "apply", "-f", "testdata/erp.yaml")
	contains(t, "viewer apply", r.stderr, "HTTP 403", "viewer", "nothing was saved", "hint:")
	r = newUser(t, url).fails(1, "get", "apis")
	contains(t, "no token", r.stderr, "HTTP 401", "portico login")
	newUser(t, url, "PORTICO_TOKEN=wrong").fails(1, "get", "apis")

	// Bad input loses nothing: a valid new document beside a malformed one is not applied.
	extra := strings.ReplaceAll(readFile(t, "testdata/erp.yaml"), "name: getCustomer\n", "name: extraProcess\n")
	extra = extra[strings.Index(extra, "kind: Process\nname: extraProcess"):]
	extra = extra[:strings.Index(extra, "---")]
	dir := t.TempDir()
	writeFileAt(t, filepath.Join(dir, "01-good.yaml"), extra)
	writeFileAt(t, filepath.Join(dir, "02-bad.yaml"), "kind: Process\nname: broken\nspec:\n  steps: [\n")
	r = admin.fails(1, "apply", "-f", dir)
	contains(t, "malformed YAML", r.stderr, "02-bad.yaml", "steps: [")
	if !regexp.MustCompile(`\[\d+:\d+\]`).MatchString(r.stderr) {
		t.Errorf("malformed YAML error has no [line:col]: %s", r.stderr)
	}
	admin.fails(1, "get", "process", "extraProcess")
	r = admin.fails(1, "apply", "-f", writeTemp(t, "unknown.yaml", "kind: API\nname: x\nspec:\n  basePath: x\n  version: v1\n  colour: red\n  endpoints: []\n"))
	contains(t, "unknown field", r.stderr, `unknown field "colour"`, "unknown.yaml", "[6:3]")
	r = admin.fails(1, "apply", "-f", writeTemp(t, "kind.yaml", "kind: Widget\nname: x\nspec: {}\n"))
	contains(t, "unknown kind", r.stderr, `unknown kind "Widget"`)

	// A referenced process cannot be deleted; an unreferenced one can.
	r = admin.fails(1, "delete", "process", "listCustomers")
	contains(t, "delete referenced", r.stderr, "HTTP 409")
	contains(t, "get after refused delete", admin.ok("get", "processes"), "listCustomers")

	// Users: create one, sign in as them, disable them.
	r = admin.run("a-long-password-2\n", "users", "create", "alice", "--role", "operator", "--password-stdin")
	if r.code != 0 {
		t.Fatalf("users create: %s", r.stderr)
	}
	contains(t, "users list", admin.ok("users", "list"), "alice", "operator")
	alice := newUser(t, url)
	if r := alice.run("a-long-password-2\n", "login", "-u", "alice", "--password-stdin"); r.code != 0 {
		t.Fatalf("alice login: %s", r.stderr)
	}
	contains(t, "operator deploys", alice.ok("deploy", "erp@1.1.0", "--env", "prod"), "deployed api/erp@1.1.0 to prod")
	admin.ok("users", "disable", "alice")
	alice.fails(1, "get", "apis")

	contains(t, "version", admin.ok("version"), "portico ", "commit:", "go: go")

	// Logout revokes the session on the server and forgets it locally.
	contains(t, "logout", admin.ok("logout"), "signed out of "+url)
	r = admin.fails(1, "get", "apis")
	contains(t, "after logout", r.stderr, "HTTP 401")
}

// tokenFrom reads the "token: VALUE" line of `token create`.
func tokenFrom(t *testing.T, out string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^token: (\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no token in:\n%s", out)
	}
	return m[1]
}

// wantLines fails unless out holds exactly want, line for line.
func wantLines(t *testing.T, what, out string, want ...string) {
	t.Helper()
	got := lines(out)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s printed:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func decodeJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFileAt(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}
