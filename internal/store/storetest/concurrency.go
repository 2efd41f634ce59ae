package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// testConcurrentDeploys deploys eight packages of one root to one
// environment at once: each call must succeed or fail cleanly, and the
// result must be as if they ran one after another.
func testConcurrentDeploys(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 8
	versions := make([]string, n)
	for i := range versions {
		versions[i] = fmt.Sprintf("1.%d.0", i)
	}
	ps := erpPackages(t, s, versions...)
	putEnv(t, s, "dev")

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		results []*model.Deployment
	)
	start := make(chan struct{})
	for _, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			d, changed, err := s.Deploy(ctx, "dev", p.ID, "bob")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && changed:
				results = append(results, d)
			case err == nil:
				t.Errorf("deploy %s: unchanged though no other goroutine deploys it", p.Version)
			case errors.Is(err, model.ErrUnavailable):
				t.Logf("deploy %s failed cleanly: %v", p.Version, err)
			default:
				t.Errorf("deploy %s: %v", p.Version, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(results) == 0 {
		t.Fatal("no concurrent deploy succeeded")
	}

	if rev := revision(t, s, "dev"); rev != int64(1+len(results)) {
		t.Fatalf("revision %d after %d successful deploys, want %d", rev, len(results), 1+len(results))
	}
	act, _, err := s.ListDeployments(ctx, store.DeploymentFilter{Environment: "dev"}, store.Page{})
	if err != nil || len(act) != 1 {
		t.Fatalf("active deployments = %v, %v; want exactly one", act, err)
	}
	h := history(t, s, "dev")
	if len(h) != len(results) {
		t.Fatalf("history has %d events, %d deploys succeeded", len(h), len(results))
	}
	// Newest first with distinct, consecutive revisions; the newest is the active one.
	for i, d := range h {
		if want := int64(1 + len(results) - i); d.SnapshotRevision != want {
			t.Fatalf("history[%d] revision %d, want %d", i, d.SnapshotRevision, want)
		}
		if d.Active != (i == 0) {
			t.Fatalf("history[%d] active=%v", i, d.Active)
		}
	}
	if act[0].ID != h[0].ID {
		t.Fatalf("active %s is not the newest event %s", act[0].ID, h[0].ID)
	}
	snap, err := s.Snapshot(ctx, "dev")
	if err != nil || snap.Revision != h[0].SnapshotRevision || len(snap.Deployments) != 1 || snap.Deployments[0].Deployment.ID != h[0].ID {
		t.Fatalf("snapshot after concurrent deploys = %+v, %v", snap, err)
	}
}

// testConcurrentMixed runs deploys, rollbacks and undeploys of one root in
// one environment at once. Refusals (nothing to roll back or undeploy) are
// clean; every success bumps the revision exactly once and adds one event.
func testConcurrentMixed(t *testing.T, s store.Store) {
	ctx := context.Background()
	ps := erpPackages(t, s, "1.0.0", "1.1.0", "1.2.0")
	putEnv(t, s, "dev")
	deploy(t, s, "dev", ps[0]) // revision 2, one event

	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		successes = 1
	)
	start := make(chan struct{})
	ops := []func() (bool, error){
		func() (bool, error) { _, c, err := s.Deploy(ctx, "dev", ps[1].ID, "bob"); return c, err },
		func() (bool, error) { _, c, err := s.Deploy(ctx, "dev", ps[2].ID, "bob"); return c, err },
		func() (bool, error) { _, err := s.Rollback(ctx, "dev", erpAPI, "", "", "bob"); return err == nil, err },
		func() (bool, error) {
			_, err := s.Rollback(ctx, "dev", erpAPI, "1.0.0", "", "bob")
			return err == nil, err
		},
		func() (bool, error) { _, err := s.Undeploy(ctx, "dev", erpAPI, "", "bob"); return err == nil, err },
		func() (bool, error) { _, c, err := s.Deploy(ctx, "dev", ps[0].ID, "bob"); return c, err },
		func() (bool, error) { _, err := s.Undeploy(ctx, "dev", erpAPI, "v1", "bob"); return err == nil, err },
		func() (bool, error) {
			_, err := s.Rollback(ctx, "dev", erpAPI, "1.2.0", "", "bob")
			return err == nil, err
		},
	}
	for i, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			changed, err := op()
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && changed:
				successes++
			case err == nil:
			case errors.Is(err, model.ErrInvalid), errors.Is(err, model.ErrNotFound), errors.Is(err, model.ErrUnavailable):
				t.Logf("op %d refused: %v", i, err)
			default:
				t.Errorf("op %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()

	if rev := revision(t, s, "dev"); rev != int64(1+successes) {
		t.Fatalf("revision %d after %d successful changes, want %d", rev, successes, 1+successes)
	}
	h := history(t, s, "dev")
	if len(h) != successes {
		t.Fatalf("history has %d events, %d changes succeeded", len(h), successes)
	}
	activeEvents := 0
	for i, d := range h {
		if want := int64(1 + successes - i); d.SnapshotRevision != want {
			t.Fatalf("history[%d] revision %d, want %d", i, d.SnapshotRevision, want)
		}
		if d.Active {
			activeEvents++
			if i != 0 {
				t.Fatalf("active event %d is not the newest", i)
			}
		}
	}
	act, _, err := s.ListDeployments(ctx, store.DeploymentFilter{Environment: "dev"}, store.Page{})
	if err != nil || len(act) != activeEvents || len(act) > 1 {
		t.Fatalf("active = %v (%v), history shows %d active", act, err, activeEvents)
	}
	if (h[0].Action == model.ActionUndeploy) != (len(act) == 0) {
		t.Fatalf("newest event %s but %d active", h[0].Action, len(act))
	}
}
