package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// consoleTool is the folder of the browser test's npm package.
func consoleTool(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "tools", "console-e2e")
}

// chromiumPath finds Debian's chromium, or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Skip("chromium is not installed (apt-get install -y chromium; .ci/run does it): the browser tests of the web console need it")
	return ""
}

var consoleGatewayRE = regexp.MustCompile(`(?m)^  API +(http://[^/\s]+)/ws/`)

// TestConsoleInABrowser signs in to the web console of a real quickstart in
// headless chromium, watches the dashboard move within two seconds of
// traffic, deploys and rolls back with the buttons, opens an execution,
// checks the focus order and that no page logs a console error.
// Screenshots are kept in $PORTICO_TEST_OUTPUT/console (or a temporary
// folder).
func TestConsoleInABrowser(t *testing.T) {
	chromium := chromiumPath(t)
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the browser tests of the web console run playwright-core on Node.js")
	}
	tool := consoleTool(t)
	if _, err := os.Stat(filepath.Join(tool, "node_modules", "playwright-core")); err != nil {
		t.Skipf("playwright-core is not installed: run npm ci --prefix %s (.ci/run does it)", tool)
	}
	t.Parallel()
	data := filepath.Join(t.TempDir(), "portico-data")
	env := baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword)
	qs := startQuickstart(t, env, "--listen", "127.0.0.1:0", "--gateway-listen", "127.0.0.1:0", "--data", data)
	m := consoleGatewayRE.FindStringSubmatch(qs.Stdout())
	if m == nil {
		t.Fatalf("no gateway URL in the quickstart's output:\n%s", qs.Stdout())
	}
	gateway := m[1]

	// A second package of the sample API, for the deploy button.
	token := signInToken(t, qs.URL)
	status, body := apiCall(t, qs.URL, token, "POST", "/api/v1/packages", `{"component":{"kind":"api","name":"erp"},"version":"1.0.1","notes":"for the console test"}`)
	if status != http.StatusCreated {
		t.Fatalf("create package 1.0.1: %d %s", status, body)
	}
	revBefore := readyRevision(t, gateway)

	shots := os.Getenv("PORTICO_TEST_OUTPUT")
	if shots == "" {
		shots = t.TempDir()
	}
	shots = filepath.Join(shots, "console")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(tool, "console.test.js"))
	cmd.Dir = tool
	cmd.Env = append(os.Environ(), "CONSOLE_URL="+qs.URL, "GATEWAY_URL="+gateway, "PASSWORD="+adminPassword,
		"SHOTS="+shots, "CHROMIUM="+chromium, "NEW_VERSION=1.0.1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var res struct {
		OK            bool             `json:"ok"`
		Error         string           `json:"error"`
		Steps         []map[string]any `json:"steps"`
		ConsoleErrors []string         `json:"consoleErrors"`
	}
	if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &res); jerr != nil {
		t.Fatalf("browser test: %v (%v)\nstdout:\n%s\nstderr:\n%s", err, jerr, out, stderr.String())
	}
	for _, s := range res.Steps {
		t.Logf("browser: %v", s)
	}
	if !res.OK || err != nil {
		t.Fatalf("browser test failed: %s\nconsole errors: %v\nstderr:\n%s\nscreenshots in %s", res.Error, res.ConsoleErrors, stderr.String(), shots)
	}

	// What the buttons did is what the platform and the runtime say.
	var deps struct {
		Items []struct {
			Version string `json:"version"`
			Action  string `json:"action"`
		} `json:"items"`
	}
	status, body = apiCall(t, qs.URL, token, "GET", "/api/v1/deployments?environment=dev&history=true", "")
	if err := json.Unmarshal(body, &deps); status != http.StatusOK || err != nil || len(deps.Items) < 3 {
		t.Fatalf("deployment history: %d %s", status, body)
	}
	if d := deps.Items; d[0].Action != "rollback" || d[0].Version != "1.0.0" || d[1].Action != "deploy" || d[1].Version != "1.0.1" {
		t.Errorf("history after the buttons: %+v, want rollback to 1.0.0 after deploy of 1.0.1", d[:3])
	}
	deadline := time.Now().Add(10 * time.Second)
	for readyRevision(t, gateway) < revBefore+2 {
		if time.Now().After(deadline) {
			t.Fatalf("the runtime did not take the deploy and the rollback: revision %d, was %d", readyRevision(t, gateway), revBefore)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, f := range []string{"dashboard.png", "apis-deployed.png", "execution.png", "environments.png"} {
		if st, err := os.Stat(filepath.Join(shots, f)); err != nil || st.Size() == 0 {
			t.Errorf("screenshot %s missing", f)
		}
	}
}

func signInToken(t *testing.T, base string) string {
	t.Helper()
	status, body := apiCall(t, base, "", "POST", "/api/v1/tokens", `{"username":"admin","password":"`+adminPassword+`"}`)
	var tok struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(body, &tok); status != http.StatusCreated || err != nil {
		t.Fatalf("sign in: %d %s", status, body)
	}
	return tok.Token
}

func apiCall(t *testing.T, base, token, method, path, body string) (int, []byte) {
	t.Helper()
	h := http.Header{"Content-Type": {"application/json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return do(t, method, base+path, h, body)
}

// readyRevision is the snapshot revision the runtime serves.
func readyRevision(t *testing.T, gateway string) int64 {
	t.Helper()
	status, body := do(t, "GET", gateway+"/readyz", nil, "")
	var s struct {
		Revision int64 `json:"revision"`
	}
	if err := json.Unmarshal(body, &s); status != http.StatusOK || err != nil {
		t.Fatalf("readyz: %d %s", status, body)
	}
	return s.Revision
}
