package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime"
)

// feed is a Source that hands out the snapshots a test sends it, one per
// poll, and fails the polls while its err is set.
type feed struct {
	ch chan *model.Snapshot
	mu sync.Mutex
	// afters records the after of every poll.
	afters []int64
}

func newFeed() *feed { return &feed{ch: make(chan *model.Snapshot)} }

func (f *feed) Poll(ctx context.Context, after int64) (*model.Snapshot, int64, error) {
	f.mu.Lock()
	f.afters = append(f.afters, after)
	f.mu.Unlock()
	select {
	case s := <-f.ch:
		return s, s.Revision, nil
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
}

// send hands snap to the next poll.
func (f *feed) send(t *testing.T, snap *model.Snapshot) {
	t.Helper()
	select {
	case f.ch <- snap:
	case <-time.After(10 * time.Second):
		t.Fatalf("the runtime did not poll for revision %d", snap.Revision)
	}
}

func snapshot(rev int64) *model.Snapshot {
	return &model.Snapshot{Environment: "dev", Revision: rev, Deployments: []model.SnapshotDeployment{}}
}

// logBuffer collects a runtime's log lines for checks.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) count(s string) int { return strings.Count(l.String(), s) }

// started is a running runtime.
type started struct {
	rt   *runtime.Runtime
	url  string
	logs *logBuffer
	stop func() error // cancels Run and returns its error
}

// start runs a runtime on a free port for environment dev; cfg.Env, Listen
// and Logger are filled in. The runtime stops when the test ends.
func start(t *testing.T, cfg runtime.Config) *started {
	t.Helper()
	logs := &logBuffer{}
	cfg.Env = "dev"
	cfg.Listen = "127.0.0.1:0"
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rt, err := runtime.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(30 * time.Second):
				t.Errorf("Run did not return within 30s of the cancel")
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		if t.Failed() {
			t.Logf("runtime log:\n%s", logs.String())
		}
	})
	return &started{rt: rt, url: "http://" + rt.Addr(), logs: logs, stop: stop}
}

// waitFor polls the runtime's status until ok holds or 10 s pass.
func (s *started) waitFor(t *testing.T, what string, ok func(runtime.Status) bool) runtime.Status {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := s.rt.Status()
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s; status %+v", what, st)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitRevision waits until revision rev serves.
func (s *started) waitRevision(t *testing.T, rev int64) {
	t.Helper()
	s.waitFor(t, "revision to serve", func(st runtime.Status) bool { return st.Ready && st.Revision == rev })
}

// get fetches path from the runtime and returns status, body and header.
func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// decode unmarshals body into v or fails the test.
func decode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decoding %q: %v", body, err)
	}
}

// writeFile replaces a file's content.
func writeFile(path, content string) error {
	return os.WriteFile(path, []byte(content), 0o600)
}
