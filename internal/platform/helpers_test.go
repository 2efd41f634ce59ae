package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/sqlite"
)

// testParams make argon2id cheap in tests.
var testParams = PasswordParams{Memory: 64, Time: 1, Threads: 1}

const adminPassword = "admin-password-1"

// testEnv is a started server over a fresh SQLite store, with the
// bootstrap admin signed in.
type testEnv struct {
	t     *testing.T
	srv   *Server
	store store.Store
	url   string
	admin string // admin session token
	clock *clock
	// inflight counts requests inside the handler, to see that they end.
	inflight atomic.Int64
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	at time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}

func newEnv(t *testing.T, opts ...func(*Config)) *testEnv {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "portico.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return newEnvOn(t, st, opts...)
}

// newEnvOn starts a server over an existing store (a second replica).
func newEnvOn(t *testing.T, st store.Store, opts ...func(*Config)) *testEnv {
	t.Helper()
	clk := &clock{}
	cfg := Config{Store: st, Now: clk.now, PasswordParams: testParams, Version: "1.2.3", Commit: "abc"}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := srv.Bootstrap(context.Background(), adminPassword); err != nil {
		srv.Close()
		t.Fatalf("Bootstrap: %v", err)
	}
	e := &testEnv{t: t, srv: srv, store: st, clock: clk}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.inflight.Add(1)
		defer e.inflight.Add(-1)
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	// Cleanups run last-in first-out: Close ends waiting long polls before
	// ts.Close waits for their connections.
	t.Cleanup(srv.Close)
	e.url = ts.URL
	e.admin = e.signIn("admin", adminPassword)
	return e
}

// answer is one HTTP response, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v, failing the test if it does not decode.
func (a answer) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decoding %s: %v", a.body, err)
	}
}

// problem decodes a problem+json body.
func (a answer) problem(t *testing.T) problem {
	t.Helper()
	if ct := a.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (status %d, body %s)", ct, a.status, a.body)
	}
	var p problem
	a.json(t, &p)
	if p.Status != a.status || p.Type == "" || p.Title == "" {
		t.Fatalf("problem %+v does not match status %d", p, a.status)
	}
	return p
}

// paths lists the field paths of a problem's errors.
func (p problem) paths() []string {
	out := make([]string, len(p.Errors))
	for i, f := range p.Errors {
		out[i] = f.Path
	}
	return out
}

// do sends a request; body is sent as is when it is a string or []byte,
// JSON-encoded otherwise.
func (e *testEnv) do(method, path, token string, body any) answer {
	e.t.Helper()
	return e.doCtx(context.Background(), method, path, token, body, "application/json")
}

func (e *testEnv) doCtx(ctx context.Context, method, path, token string, body any, contentType string) answer {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.url+apiPrefix+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil && contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: b}
}

// must sends a request and fails the test unless the status is want.
func (e *testEnv) must(want int, method, path, token string, body any) answer {
	e.t.Helper()
	a := e.do(method, path, token, body)
	if a.status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, a.status, want, a.body)
	}
	return a
}

func (e *testEnv) signIn(username, password string) string {
	e.t.Helper()
	a := e.must(http.StatusCreated, "POST", "/tokens", "", map[string]string{"username": username, "password": password})
	var s newTokenAnswer
	a.json(e.t, &s)
	if !strings.HasPrefix(s.Token, tokenPrefix) {
		e.t.Fatalf("token %q lacks the %s prefix", s.Token, tokenPrefix)
	}
	return s.Token
}

// user creates a user of role and returns a session token of theirs.
func (e *testEnv) user(name, role string) string {
	e.t.Helper()
	pw := name + "-password-123"
	e.must(http.StatusCreated, "POST", "/users", e.admin, map[string]string{"username": name, "role": role, "password": pw})
	return e.signIn(name, pw)
}

// Documents of a small API: a connection, a process using it, an API using the process.
const (
	connDoc = `{"kind":"connection","name":"db","spec":{"type":"database","database":{"driver":"sqlite","dsn":"file:erp.db"}}}`
	procDoc = `{"kind":"process","name":"list","spec":{"steps":[{"query":{"connection":"db","sql":"SELECT 1"}},{"return":{}}]}}`
	apiDoc  = `{"kind":"api","name":"erp","spec":{"basePath":"erp","version":"v1","endpoints":[{"method":"GET","path":"/customers","process":"list"}]}}`
)

// applyBody builds an apply request from raw documents.
func applyBody(docs ...string) string {
	return `{"components":[` + strings.Join(docs, ",") + `]}`
}

// seed applies the small API and creates its package 1.0.0 and environment dev.
func (e *testEnv) seed() (pkgID string) {
	e.t.Helper()
	e.must(http.StatusOK, "POST", "/apply", e.admin, applyBody(connDoc, procDoc, apiDoc))
	e.must(http.StatusCreated, "POST", "/environments", e.admin, map[string]any{"name": "dev"})
	a := e.must(http.StatusCreated, "POST", "/packages", e.admin, map[string]any{"component": map[string]string{"kind": "api", "name": "erp"}, "version": "1.0.0"})
	var p struct{ ID string }
	a.json(e.t, &p)
	return p.ID
}
