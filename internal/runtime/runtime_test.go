package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime"
)

func TestHealthReadinessAndNotFound(t *testing.T) {
	t.Parallel()
	f := newFeed()
	s := start(t, runtime.Config{Source: f})

	if code, body, _ := get(t, s.url+"/healthz"); code != http.StatusOK || !strings.Contains(body, `"ok"`) {
		t.Errorf("/healthz before a snapshot: %d %s", code, body)
	}
	code, body, h := get(t, s.url+"/readyz")
	if code != http.StatusServiceUnavailable || h.Get("Content-Type") != "application/problem+json" {
		t.Errorf("/readyz before a snapshot: %d %s %s", code, h.Get("Content-Type"), body)
	}
	if code, body, _ := get(t, s.url+"/ws/rest/erp/v1/customers"); code != http.StatusServiceUnavailable {
		t.Errorf("/ws/ before a snapshot: %d %s", code, body)
	}
	select {
	case <-s.rt.Ready():
		t.Fatal("ready before any snapshot")
	default:
	}

	f.send(t, snapshot(3))
	select {
	case <-s.rt.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("not ready 10s after the first snapshot")
	}
	code, body, _ = get(t, s.url+"/readyz")
	var st runtime.Status
	decode(t, body, &st)
	if code != http.StatusOK || !st.Ready || st.Revision != 3 || st.Environment != "dev" || st.From != runtime.FromControlPlane || !st.Connected {
		t.Errorf("/readyz: %d %s", code, body)
	}

	tests := []struct {
		method, path string
		status       int
		detail       string
	}{
		{"GET", "/ws/rest/erp/v1/customers", 404, "no route for GET /ws/rest/erp/v1/customers"},
		{"POST", "/ws/soap/erp/v1", 404, "no route for POST /ws/soap/erp/v1"},
		{"GET", "/other", 404, "no route for GET /other"},
		{"POST", "/healthz", 405, "POST is not allowed on /healthz"},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, s.url+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var p struct {
			Type, Title, Detail, Instance string
			Status                        int
		}
		decode(t, string(b), &p)
		if resp.StatusCode != tt.status || p.Status != tt.status || p.Detail != tt.detail || p.Title != http.StatusText(tt.status) ||
			!strings.HasPrefix(p.Type, "https://portico.dev/problems/") || p.Instance != tt.path ||
			resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s: %d %s", tt.method, tt.path, resp.StatusCode, b)
		}
	}
}

// revisionCompiler compiles each snapshot to a handler that answers its
// revision and checks, before and after a short pause, that its resources
// have not been released under it.
type revisionCompiler struct {
	mu       sync.Mutex
	compiled []*runtime.Compiled
	misuse   atomic.Int64 // requests that ran on released resources
}

func (c *revisionCompiler) Compile(_ context.Context, snap *model.Snapshot, _ *runtime.Compiled) (*runtime.Compiled, error) {
	var released atomic.Bool
	rev := snap.Revision
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if released.Load() {
			c.misuse.Add(1)
		}
		time.Sleep(50 * time.Microsecond)
		fmt.Fprintf(w, "%d", rev)
		if released.Load() {
			c.misuse.Add(1)
		}
	})
	comp := runtime.NewCompiled(rev, h, func() { released.Store(true) })
	c.mu.Lock()
	c.compiled = append(c.compiled, comp)
	c.mu.Unlock()
	return comp, nil
}

func TestSwapUnderConcurrentRequests(t *testing.T) {
	t.Parallel()
	f := newFeed()
	comp := &revisionCompiler{}
	s := start(t, runtime.Config{Source: f, Compiler: comp})
	f.send(t, snapshot(1))
	s.waitRevision(t, 1)

	const clients, swaps = 8, 200
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var requests, failures atomic.Int64
	for range clients {
		wg.Go(func() {
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			defer hc.CloseIdleConnections()
			last := int64(0)
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := hc.Get(s.url + "/ws/rest/x/v1/y")
				if err != nil {
					failures.Add(1)
					t.Errorf("request: %v", err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				requests.Add(1)
				var rev int64
				if _, err := fmt.Sscan(string(b), &rev); err != nil || resp.StatusCode != http.StatusOK {
					failures.Add(1)
					t.Errorf("answer %d %q", resp.StatusCode, b)
					return
				}
				// One client's requests follow each other, so it never sees an
				// older revision after a newer one.
				if rev < last {
					failures.Add(1)
					t.Errorf("revision went back from %d to %d", last, rev)
				}
				last = rev
			}
		})
	}
	for rev := int64(2); rev <= swaps; rev++ {
		f.send(t, snapshot(rev))
		// Let requests run on every revision before the next swap.
		for target, deadline := requests.Load()+clients, time.Now().Add(2*time.Second); requests.Load() < target && time.Now().Before(deadline); {
			time.Sleep(50 * time.Microsecond)
		}
	}
	s.waitRevision(t, swaps)
	close(stop)
	wg.Wait()
	if failures.Load() > 0 || comp.misuse.Load() > 0 {
		t.Fatalf("%d failed requests, %d ran on released resources (of %d)", failures.Load(), comp.misuse.Load(), requests.Load())
	}
	if requests.Load() < swaps*clients {
		t.Errorf("only %d requests during %d swaps; the test proves little", requests.Load(), swaps)
	}
	comp.mu.Lock()
	defer comp.mu.Unlock()
	for _, c := range comp.compiled[:len(comp.compiled)-1] {
		select {
		case <-c.Released():
		case <-time.After(5 * time.Second):
			t.Fatalf("revision %d was swapped out but never released", c.Revision())
		}
	}
	select {
	case <-comp.compiled[len(comp.compiled)-1].Released():
		t.Fatal("the serving revision was released")
	default:
	}
}

// failingCompiler fails the revisions in bad and otherwise compiles like
// revisionCompiler.
type failingCompiler struct {
	revisionCompiler
	bad map[int64]bool
}

func (c *failingCompiler) Compile(ctx context.Context, snap *model.Snapshot, prev *runtime.Compiled) (*runtime.Compiled, error) {
	if c.bad[snap.Revision] {
		return nil, fmt.Errorf("api/erp: endpoint GET /customers is declared twice (revision %d)", snap.Revision)
	}
	return c.revisionCompiler.Compile(ctx, snap, prev)
}

func TestCompileFailureKeepsServingThePreviousSnapshot(t *testing.T) {
	t.Parallel()
	f := newFeed()
	s := start(t, runtime.Config{Source: f, Compiler: &failingCompiler{bad: map[int64]bool{1: true, 3: true}}})

	// Nothing serves yet: the failure shows on /readyz.
	f.send(t, snapshot(1))
	s.waitFor(t, "the failure of revision 1", func(st runtime.Status) bool { return st.FailedRevision == 1 })
	code, body, _ := get(t, s.url+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "declared twice (revision 1)") {
		t.Errorf("/readyz after a failed first compile: %d %s", code, body)
	}

	f.send(t, snapshot(2))
	s.waitRevision(t, 2)
	if st := s.rt.Status(); st.LastError != "" || st.FailedRevision != 0 {
		t.Errorf("a newer snapshot serves, yet the old failure is reported: %+v", st)
	}

	f.send(t, snapshot(3))
	st := s.waitFor(t, "the failure of revision 3", func(st runtime.Status) bool { return st.FailedRevision == 3 })
	if st.Revision != 2 || !st.Ready || !strings.Contains(st.LastError, "declared twice (revision 3)") {
		t.Errorf("status after a failed compile: %+v", st)
	}
	code, body, _ = get(t, s.url+"/readyz")
	var ready runtime.Status
	decode(t, body, &ready)
	if code != http.StatusOK || ready.Revision != 2 || ready.FailedRevision != 3 || !strings.Contains(ready.LastError, "declared twice") {
		t.Errorf("/readyz: %d %s", code, body)
	}
	if code, body, _ := get(t, s.url+"/ws/rest/erp/v1/customers"); code != http.StatusOK || body != "2" {
		t.Errorf("/ws/ after a failed compile: %d %q, want revision 2 serving", code, body)
	}
	if n := s.logs.count("snapshot does not compile"); n != 2 {
		t.Errorf("logged %d compile failures, want 2", n)
	}

	// The failed revision is not fetched again: the next poll waits for a newer one.
	f.send(t, snapshot(4))
	s.waitRevision(t, 4)
	f.mu.Lock()
	afters := fmt.Sprint(f.afters[:4])
	f.mu.Unlock()
	if afters != "[-1 1 2 3]" {
		t.Errorf("polled after %s, want [-1 1 2 3]", afters)
	}
}

func TestRevisionGoingBackIsFetchedWhole(t *testing.T) {
	t.Parallel()
	var polls atomic.Int64
	src := runtime.SourceFunc(func(ctx context.Context, after int64) (*model.Snapshot, int64, error) {
		switch n := polls.Add(1); {
		case n == 1:
			return snapshot(10), 10, nil
		case after == 10:
			return nil, 2, nil // 304 with a lower revision: the environment was recreated
		case after == -1 && n < 10:
			return snapshot(2), 2, nil
		}
		<-ctx.Done()
		return nil, 0, ctx.Err()
	})
	s := start(t, runtime.Config{Source: src})
	s.waitRevision(t, 2)
	if !strings.Contains(s.logs.String(), "revision went back") {
		t.Error("the revision going back was not logged")
	}
}

func TestCacheServesWhileTheSourceIsDown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()

	// A first run fetches revision 5 and keeps it on disk.
	f := newFeed()
	first := start(t, runtime.Config{Source: f, DataDir: dir})
	f.send(t, snapshot(5))
	first.waitRevision(t, 5)
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}

	// A second run cannot reach its source: it serves the cache, logs the
	// outage once however often it retries, and follows the source from the
	// cached revision once it answers.
	var up atomic.Bool
	var polls atomic.Int64
	afterOnRecovery := make(chan int64, 1)
	src := runtime.SourceFunc(func(ctx context.Context, after int64) (*model.Snapshot, int64, error) {
		polls.Add(1)
		if !up.Load() {
			return nil, 0, errors.New("dial tcp 127.0.0.1:8080: connect: connection refused")
		}
		select {
		case afterOnRecovery <- after:
			return snapshot(6), 6, nil
		default:
		}
		<-ctx.Done()
		return nil, 0, ctx.Err()
	})
	s := start(t, runtime.Config{Source: src, DataDir: dir, RetryMin: time.Millisecond, RetryMax: 5 * time.Millisecond})
	st := s.waitFor(t, "the cached revision", func(st runtime.Status) bool { return st.Ready })
	if st.Revision != 5 || st.From != runtime.FromCache || st.Connected || !strings.Contains(st.SourceError, "connection refused") {
		t.Errorf("status while down: %+v", st)
	}
	code, body, _ := get(t, s.url+"/readyz")
	if code != http.StatusOK || !strings.Contains(body, `"from":"cache"`) {
		t.Errorf("/readyz while down: %d %s", code, body)
	}
	for polls.Load() < 5 {
		time.Sleep(time.Millisecond)
	}
	if n := s.logs.count("cannot fetch snapshots"); n != 1 {
		t.Errorf("the outage was logged %d times over %d polls, want once", n, polls.Load())
	}

	up.Store(true)
	select {
	case after := <-afterOnRecovery:
		if after != 5 {
			t.Errorf("first poll after the outage asked after=%d, want the cached revision 5", after)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no poll after the source came back")
	}
	st = s.waitFor(t, "revision 6", func(st runtime.Status) bool { return st.Revision == 6 })
	if st.From != runtime.FromControlPlane || !st.Connected || st.SourceError != "" {
		t.Errorf("status after recovery: %+v", st)
	}
	if !strings.Contains(s.logs.String(), "snapshot source reachable again") {
		t.Error("the recovery was not logged")
	}
}

func TestCorruptCacheIsIgnored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := newFeed()
	first := start(t, runtime.Config{Source: f, DataDir: dir})
	f.send(t, snapshot(1))
	first.waitRevision(t, 1)
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	path := dir + "/runtime/dev.snapshot.json"
	if err := writeFile(path, `{"environment":"dev","revision":`); err != nil {
		t.Fatal(err)
	}

	down := runtime.SourceFunc(func(context.Context, int64) (*model.Snapshot, int64, error) {
		return nil, 0, errors.New("connection refused")
	})
	s := start(t, runtime.Config{Source: down, DataDir: dir, RetryMin: time.Millisecond, RetryMax: 5 * time.Millisecond})
	s.waitFor(t, "the cache to be tried", func(runtime.Status) bool { return strings.Contains(s.logs.String(), "ignoring the snapshot cache") })
	if code, _, _ := get(t, s.url+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
	code, body, _ := get(t, s.url+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "connection refused") {
		t.Errorf("/readyz: %d %s", code, body)
	}
}

func TestGracefulShutdownDrainsInFlightRequests(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	var handlerDone, releasedAt atomic.Int64
	compiler := runtime.CompilerFunc(func(_ context.Context, snap *model.Snapshot, _ *runtime.Compiled) (*runtime.Compiled, error) {
		h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			close(started)
			time.Sleep(300 * time.Millisecond)
			fmt.Fprint(w, "done")
			handlerDone.Store(time.Now().UnixNano())
		})
		return runtime.NewCompiled(snap.Revision, h, func() { releasedAt.Store(time.Now().UnixNano()) }), nil
	})
	f := newFeed()
	s := start(t, runtime.Config{Source: f, Compiler: compiler})
	f.send(t, snapshot(1))
	s.waitRevision(t, 1)

	type answer struct {
		code int
		body string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := http.Get(s.url + "/ws/rest/slow/v1/x")
		if err != nil {
			got <- answer{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- answer{resp.StatusCode, string(b), err}
	}()
	<-started
	if err := s.stop(); err != nil {
		t.Fatalf("Run returned %v after a cancel, want nil", err)
	}
	a := <-got
	if a.err != nil || a.code != http.StatusOK || a.body != "done" {
		t.Fatalf("the in-flight request got %d %q %v; want it drained to 200", a.code, a.body, a.err)
	}
	if releasedAt.Load() == 0 || releasedAt.Load() < handlerDone.Load() {
		t.Errorf("resources released at %d, the request ended at %d", releasedAt.Load(), handlerDone.Load())
	}
	if _, err := net.DialTimeout("tcp", s.rt.Addr(), time.Second); err == nil {
		t.Error("the runtime still accepts connections after Run returned")
	}
}

func TestShutdownTimeoutKeepsResourcesOfCutRequests(t *testing.T) {
	t.Parallel()
	started, unblock := make(chan struct{}), make(chan struct{})
	var released atomic.Bool
	compiler := runtime.CompilerFunc(func(_ context.Context, snap *model.Snapshot, _ *runtime.Compiled) (*runtime.Compiled, error) {
		h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			close(started)
			<-unblock
		})
		return runtime.NewCompiled(snap.Revision, h, func() { released.Store(true) }), nil
	})
	f := newFeed()
	s := start(t, runtime.Config{Source: f, Compiler: compiler, ShutdownTimeout: 100 * time.Millisecond})
	f.send(t, snapshot(1))
	s.waitRevision(t, 1)
	go func() {
		if resp, err := http.Get(s.url + "/ws/stuck"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	begin := time.Now()
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("shutdown took %v with a 100ms drain timeout", d)
	}
	if !strings.Contains(s.logs.String(), "cut") {
		t.Error("cutting requests at the drain timeout was not logged")
	}
	if released.Load() {
		t.Fatal("resources released while a cut request still runs")
	}
	close(unblock)
	deadline := time.Now().Add(5 * time.Second)
	for !released.Load() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if !released.Load() {
		t.Error("resources not released after the cut request returned")
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	src := newFeed()
	tests := []struct {
		name string
		cfg  runtime.Config
		want string
	}{
		{"bad environment", runtime.Config{Env: "../etc", Source: src, Listen: "127.0.0.1:0"}, "not a valid environment name"},
		{"no source", runtime.Config{Env: "dev", Listen: "127.0.0.1:0"}, "Source is required"},
		{"busy address", runtime.Config{Env: "dev", Source: src, Listen: busy.Addr().String()}, "listen on " + busy.Addr().String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rt, err := runtime.New(tt.cfg)
			if err == nil {
				rt.Close()
				t.Fatal("New accepted the config")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestRunTwiceIsRefused(t *testing.T) {
	t.Parallel()
	rt, err := runtime.New(runtime.Config{Env: "dev", Listen: "127.0.0.1:0", Source: newFeed()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := rt.Run(ctx); err != nil {
		t.Fatalf("first Run = %v", err)
	}
	if err := rt.Run(ctx); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("second Run = %v", err)
	}
}
