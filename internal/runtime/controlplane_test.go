package runtime_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/platform"
	"github.com/portico-dev/portico/internal/runtime"
	"github.com/portico-dev/portico/internal/store/dial"
)

const adminPassword = "runtime-test-password"

// controlPlane is a real platform API on a SQLite store, served on a real
// listener so that a test can stop it and start it again on its address.
type controlPlane struct {
	url   string
	admin *client.Client
	p     *platform.Server
	srv   *http.Server
}

// startControlPlane serves the platform API on addr ("" for a free port).
// The store lives in dir, so a restart on the same dir sees the same data.
func startControlPlane(t *testing.T, addr, dir string) *controlPlane {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	st, err := dial.Open(ctx, "sqlite:", dir, logger)
	if err != nil {
		t.Fatal(err)
	}
	p, err := platform.New(platform.Config{Store: st, Logger: logger, Version: "test",
		PasswordParams: platform.PasswordParams{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Bootstrap(ctx, adminPassword); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.PutEnvironment(ctx, &model.Environment{Name: "dev"}); err != nil && !errors.Is(err, model.ErrConflict) {
		t.Fatal(err)
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	cp := &controlPlane{url: "http://" + ln.Addr().String(), p: p, srv: &http.Server{Handler: p.Handler(), ReadHeaderTimeout: 5 * time.Second}}
	go func() { _ = cp.srv.Serve(ln) }()
	var once bool
	stop := func() {
		if once {
			return
		}
		once = true
		p.Close() // answers the waiting polls, which Shutdown would wait for
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = cp.srv.Shutdown(ctx)
		st.Close()
	}
	t.Cleanup(stop)
	anon, err := client.New(cp.url, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := anon.SignIn(ctx, "admin", adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	cp.admin = anon.WithToken(s.Token)
	return cp
}

// runtimeToken creates a token with the runtime role.
func (cp *controlPlane) runtimeToken(t *testing.T) string {
	t.Helper()
	tok, err := cp.admin.CreateToken(context.Background(), client.CreateTokenRequest{Name: "runtime-test", Role: model.RoleRuntime})
	if err != nil {
		t.Fatal(err)
	}
	return tok.Token
}

// touch changes the environment, which moves its snapshot revision on.
func (cp *controlPlane) touch(t *testing.T, desc string) {
	t.Helper()
	if _, err := cp.admin.PutEnvironment(context.Background(), &model.Environment{Name: "dev", Description: desc}); err != nil {
		t.Fatal(err)
	}
}

// revision reads the environment's snapshot revision as the admin.
func (cp *controlPlane) revision(t *testing.T) int64 {
	t.Helper()
	_, rev, err := cp.admin.Snapshot(context.Background(), "dev", -1, -1)
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func controlPlaneSource(t *testing.T, url, token string) *runtime.ControlPlaneSource {
	t.Helper()
	c, err := client.New(url, token, nil)
	if err != nil {
		t.Fatal(err)
	}
	return runtime.NewControlPlaneSource(c, "dev", 5*time.Second)
}

func TestFollowsTheControlPlane(t *testing.T) {
	t.Parallel()
	cp := startControlPlane(t, "", t.TempDir())
	data := t.TempDir()
	s := start(t, runtime.Config{Source: controlPlaneSource(t, cp.url, cp.runtimeToken(t)), DataDir: data})
	s.waitRevision(t, cp.revision(t))

	for i := range 3 {
		cp.touch(t, strings.Repeat("x", i+1))
		begin := time.Now()
		rev := cp.revision(t)
		s.waitRevision(t, rev)
		// The platform wakes waiting polls on its own writes: no wait for the
		// end of a long poll.
		if d := time.Since(begin); d > 3*time.Second {
			t.Errorf("revision %d took %v to serve", rev, d)
		}
	}
	b, err := os.ReadFile(filepath.Join(data, "runtime", "dev.snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cached model.Snapshot
	decode(t, string(b), &cached)
	if cached.Revision != cp.revision(t) || cached.Spec.PublicURL != "" || cached.Environment != "dev" {
		t.Errorf("cached snapshot: %s", b)
	}
}

func TestBadTokenIsReported(t *testing.T) {
	t.Parallel()
	cp := startControlPlane(t, "", t.TempDir())
	s := start(t, runtime.Config{Source: controlPlaneSource(t, cp.url, "ptc_wrong"), RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond})
	st := s.waitFor(t, "the token to be refused", func(st runtime.Status) bool { return st.SourceError != "" })
	if st.Ready || !strings.Contains(st.SourceError, "invalid or expired token") {
		t.Errorf("status: %+v", st)
	}
	code, body, _ := get(t, s.url+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "invalid or expired token") {
		t.Errorf("/readyz: %d %s", code, body)
	}
}

func TestBacksOffWhileTheControlPlaneIsDownAndRecovers(t *testing.T) {
	t.Parallel()
	// Find a free address, then leave it closed: the control plane is down.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()

	// The token is made on the same store the control plane will serve.
	first := startControlPlane(t, "", dir)
	token := first.runtimeToken(t)

	s := start(t, runtime.Config{Source: controlPlaneSource(t, "http://"+addr, token), DataDir: t.TempDir(),
		RetryMin: 10 * time.Millisecond, RetryMax: 80 * time.Millisecond})
	s.waitFor(t, "three failed polls", func(runtime.Status) bool { return s.logs.count("snapshot poll failed again") >= 3 })
	st := s.rt.Status()
	if st.Ready || st.Connected || !strings.Contains(st.SourceError, "cannot reach the Portico control plane") {
		t.Errorf("status while down: %+v", st)
	}
	if n := s.logs.count("cannot fetch snapshots"); n != 1 {
		t.Errorf("the outage was logged %d times at warning level, want once", n)
	}

	cp := startControlPlane(t, addr, dir)
	st = s.waitFor(t, "the control plane to be found", func(st runtime.Status) bool { return st.Ready })
	if st.Revision != cp.revision(t) || !st.Connected || st.From != runtime.FromControlPlane {
		t.Errorf("status after recovery: %+v", st)
	}
	if !strings.Contains(s.logs.String(), "snapshot source reachable again") {
		t.Error("the recovery was not logged")
	}
	cp.touch(t, "after the outage")
	s.waitRevision(t, cp.revision(t))
}
