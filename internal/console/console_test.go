package console_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/console"
	"github.com/portico-dev/portico/internal/platform"
	"github.com/portico-dev/portico/internal/store/sqlite"
)

const password = "console-test-password"

// start serves the platform API and the console as serve does.
func start(t *testing.T) string {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	p, err := platform.New(platform.Config{Store: st, PasswordParams: platform.PasswordParams{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Bootstrap(context.Background(), password); err != nil {
		t.Fatal(err)
	}
	c, err := console.New(console.Config{API: p.Handler(), GatewayURL: "http://gw.example"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", p.Handler())
	mux.Handle("/", c)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	t.Cleanup(p.Close)
	return ts.URL
}

func browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func TestSignInSessionAndCSRF(t *testing.T) {
	base := start(t)
	c := browser(t)
	// Signed out: the sign-in page, with where to go next.
	status, body := get(t, c, base+"/executions")
	if status != http.StatusOK || !strings.Contains(body, `name="next" value="/executions"`) {
		t.Fatalf("signed out: %d, body without the sign-in form:\n%s", status, body)
	}
	// A wrong password: 401 and a clear message, no cookie.
	res, err := c.PostForm(base+"/login", url.Values{"username": {"admin"}, "password": {"nope"}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), "The username or password is wrong") {
		t.Fatalf("wrong password: %d\n%s", res.StatusCode, b)
	}
	// Sign in: the cookie is HttpOnly and SameSite=Strict; an outside next is ignored.
	noFollow := &http.Client{Jar: c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = noFollow.PostForm(base+"/login", url.Values{"username": {"admin"}, "password": {password}, "next": {"//evil.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	ck := res.Header.Get("Set-Cookie")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Strict") {
		t.Fatalf("sign-in answer %d, Location %q, Set-Cookie %q", res.StatusCode, res.Header.Get("Location"), ck)
	}
	for _, p := range []string{"/", "/apis", "/executions", "/users", "/environments"} {
		status, body := get(t, c, base+p)
		if status != http.StatusOK || !strings.Contains(body, "Sign out") {
			t.Errorf("%s: %d\n%s", p, status, body)
		}
	}
	status, body = get(t, c, base+"/apis")
	if status != http.StatusOK || !strings.Contains(body, "No APIs yet") {
		t.Errorf("empty APIs page lacks its empty state:\n%s", body)
	}
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token in the page")
	}
	// A post without the CSRF token, or from another origin, is refused.
	res, _ = c.PostForm(base+"/apis/deploy", url.Values{"environment": {"dev"}, "package": {"x"}})
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("deploy without CSRF token: %d, want 403", res.StatusCode)
	}
	req, _ := http.NewRequest("POST", base+"/apis/deploy", strings.NewReader(url.Values{"csrf": {m[1]}, "environment": {"dev"}, "package": {"x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	res, _ = c.Do(req)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin deploy: %d, want 403", res.StatusCode)
	}
	// With the token: the platform's answer, shown as a clear error.
	res, _ = c.PostForm(base+"/apis/deploy", url.Values{"csrf": {m[1]}, "environment": {"dev"}, "package": {"no-such-package"}})
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "Deploy failed:") {
		t.Errorf("deploy of a missing package: %d\n%s", res.StatusCode, b)
	}
	// An unknown execution: a 404 page, not a crash.
	if status, body := get(t, c, base+"/executions/nope"); status != http.StatusNotFound || !strings.Contains(body, "could not be read") {
		t.Errorf("unknown execution: %d\n%s", status, body)
	}
	// Sign out revokes the token.
	res, _ = c.PostForm(base+"/logout", url.Values{"csrf": {m[1]}})
	res.Body.Close()
	if status, body := get(t, c, base+"/apis"); status != http.StatusOK || !strings.Contains(body, `name="password"`) {
		t.Errorf("after sign out /apis is not the sign-in page: %d", status)
	}
	// Assets are embedded and served.
	if status, body := get(t, c, base+"/assets/dashboard.js"); status != http.StatusOK || !strings.Contains(body, "EventSource") {
		t.Errorf("dashboard.js: %d", status)
	}
}
