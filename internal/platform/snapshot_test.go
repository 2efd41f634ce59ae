package platform

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// revisionOf reads X-Snapshot-Revision.
func revisionOf(t *testing.T, a answer) int64 {
	t.Helper()
	n, err := strconv.ParseInt(a.header.Get(revisionHeader), 10, 64)
	if err != nil {
		t.Fatalf("%s %q: %v", revisionHeader, a.header.Get(revisionHeader), err)
	}
	return n
}

func TestSnapshotAnswersAtOnceWhenBehind(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pkg := e.seed()
	e.must(http.StatusCreated, "POST", "/deployments", e.admin, map[string]any{"environment": "dev", "packageId": pkg})
	a := e.must(http.StatusOK, "GET", "/environments/dev/snapshot", e.admin, nil)
	var snap model.Snapshot
	a.json(t, &snap)
	if rev := revisionOf(t, a); rev != snap.Revision || rev < 1 {
		t.Errorf("header %d, snapshot %d", rev, snap.Revision)
	}
	if len(snap.Deployments) != 1 || len(snap.Deployments[0].Components) != 3 {
		t.Fatalf("snapshot %+v", snap)
	}
	e.must(http.StatusOK, "GET", "/environments/dev/snapshot?after="+strconv.FormatInt(snap.Revision-1, 10), e.admin, nil)
	e.must(http.StatusNotFound, "GET", "/environments/nope/snapshot", e.admin, nil)
	for _, q := range []string{"after=-1", "after=x", "wait=soon", "wait=-1s"} {
		e.must(http.StatusBadRequest, "GET", "/environments/dev/snapshot?"+q, e.admin, nil)
	}
}

func TestSnapshotWaitsThen304(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.PollInterval = 20 * time.Millisecond })
	e.seed()
	rev := revisionOf(t, e.must(http.StatusOK, "GET", "/environments/dev/snapshot", e.admin, nil))
	start := time.Now()
	a := e.must(http.StatusNotModified, "GET", "/environments/dev/snapshot?wait=150ms&after="+strconv.FormatInt(rev, 10), e.admin, nil)
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Errorf("answered after %v, before the wait", waited)
	}
	if got := revisionOf(t, a); got != rev {
		t.Errorf("304 revision %d, want %d", got, rev)
	}
	if len(a.body) != 0 {
		t.Errorf("304 with a body: %s", a.body)
	}
}

// waitForSnapshot starts a long poll and returns its answer on a channel.
func (e *testEnv) waitForSnapshot(ctx context.Context, after int64, wait string) <-chan answer {
	ch := make(chan answer, 1)
	go func() {
		ch <- e.doCtx(ctx, "GET", "/environments/dev/snapshot?wait="+wait+"&after="+strconv.FormatInt(after, 10), e.admin, nil, "")
	}()
	return ch
}

// TestSnapshotWakesOnDeploy: a waiting request answers as soon as this
// server deploys; the poll interval is too long to be what woke it.
func TestSnapshotWakesOnDeploy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.PollInterval = time.Hour })
	pkg := e.seed()
	rev := revisionOf(t, e.must(http.StatusOK, "GET", "/environments/dev/snapshot", e.admin, nil))
	got := e.waitForSnapshot(context.Background(), rev, "60s")
	time.Sleep(50 * time.Millisecond) // let the request start waiting (it works either way)
	e.must(http.StatusCreated, "POST", "/deployments", e.admin, map[string]any{"environment": "dev", "packageId": pkg})
	select {
	case a := <-got:
		if a.status != http.StatusOK || revisionOf(t, a) <= rev {
			t.Fatalf("status %d revision %s: %s", a.status, a.header.Get(revisionHeader), a.body)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the waiting snapshot request did not wake up on deploy")
	}
}

// TestSnapshotSeesOtherReplicas: a change made through another server on the
// same store is found by the periodic revision check.
func TestSnapshotSeesOtherReplicas(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.PollInterval = 30 * time.Millisecond })
	pkg := e.seed()
	other := newEnvOn(t, e.store)
	rev := revisionOf(t, e.must(http.StatusOK, "GET", "/environments/dev/snapshot", e.admin, nil))
	got := e.waitForSnapshot(context.Background(), rev, "60s")
	time.Sleep(50 * time.Millisecond)
	other.must(http.StatusCreated, "POST", "/deployments", other.admin, map[string]any{"environment": "dev", "packageId": pkg})
	select {
	case a := <-got:
		if a.status != http.StatusOK {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the waiting request did not see the other replica's deploy")
	}
}

// TestSnapshotClientGoneAndClose: a cancelled client ends its wait, and Close
// answers every waiter at once.
func TestSnapshotClientGoneAndClose(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.PollInterval = time.Hour })
	e.seed()
	rev := revisionOf(t, e.must(http.StatusOK, "GET", "/environments/dev/snapshot", e.admin, nil))

	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "GET", e.url+apiPrefix+"/environments/dev/snapshot?wait=60s&after="+strconv.FormatInt(rev, 10), nil)
		req.Header.Set("Authorization", "Bearer "+e.admin)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		ch <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-ch:
		if err == nil {
			t.Error("a cancelled request got an answer")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancelling did not end the request")
	}
	// The handler itself returns, not only the client.
	for deadline := time.Now().Add(10 * time.Second); e.inflight.Load() != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the handler still runs after its client left")
		}
	}

	got := e.waitForSnapshot(context.Background(), rev, "60s")
	time.Sleep(50 * time.Millisecond)
	e.srv.Close()
	select {
	case a := <-got:
		if a.status != http.StatusNotModified {
			t.Fatalf("status %d after Close, want 304", a.status)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end the waiting request")
	}
}
