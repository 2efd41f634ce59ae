package storetest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// testQueue: enqueue, claim (by id and oldest first), renew, complete, and
// a lease that expires hands the work to another runtime.
func testQueue(t *testing.T, s store.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	q1 := &model.QueuedExecution{ID: "x-1", Environment: "dev", API: "jobs", Endpoint: "POST /reports", Method: "POST",
		Path: "/ws/rest/jobs/v1/reports", Query: "a=1", Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"n":1}`), Callback: "https://hooks.example.com/x", User: "ann", EnqueuedAt: t0}
	q2 := &model.QueuedExecution{ID: "x-2", Environment: "dev", Method: "POST", Path: "/ws/rest/jobs/v1/reports", EnqueuedAt: t0.Add(time.Second)}
	q3 := &model.QueuedExecution{ID: "x-3", Environment: "prod", Method: "POST", Path: "/ws/rest/jobs/v1/reports", EnqueuedAt: t0}
	for _, q := range []*model.QueuedExecution{q1, q2, q3} {
		if created, err := s.EnqueueExecution(ctx, q); err != nil || !created {
			t.Fatalf("EnqueueExecution %s: %v %v", q.ID, created, err)
		}
	}
	if created, err := s.EnqueueExecution(ctx, q1); err != nil || created {
		t.Fatalf("EnqueueExecution again: created %v, %v; want false, nil", created, err)
	}
	if _, err := s.EnqueueExecution(ctx, &model.QueuedExecution{ID: "bad", Environment: "dev", Method: "POST", Path: "no-slash"}); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("an invalid item: %v, want ErrInvalid", err)
	}
	if n, err := s.CountQueuedExecutions(ctx, "dev"); err != nil || n != 2 {
		t.Fatalf("CountQueuedExecutions(dev) = %d, %v; want 2", n, err)
	}

	// By id: the accepting runtime takes its own work at once.
	got, err := s.ClaimExecution(ctx, "dev", "x-2", "rt-a", t0, 10*time.Second)
	if err != nil || got == nil || got.ID != "x-2" || got.ClaimedBy != "rt-a" || got.Attempts != 1 || !got.LeaseUntil.Equal(t0.Add(10*time.Second)) {
		t.Fatalf("claim x-2 by id = %+v, %v", got, err)
	}
	if got, err := s.ClaimExecution(ctx, "dev", "x-2", "rt-b", t0.Add(time.Second), 10*time.Second); err != nil || got != nil {
		t.Fatalf("claim of a leased item = %+v, %v; want none", got, err)
	}
	// Oldest first, the whole request back.
	got, err = s.ClaimExecution(ctx, "dev", "", "rt-b", t0, 10*time.Second)
	if err != nil || got == nil {
		t.Fatalf("claim oldest = %v, %v", got, err)
	}
	if got.ID != "x-1" || got.Method != "POST" || got.Path != q1.Path || got.Query != "a=1" || string(got.Body) != `{"n":1}` ||
		http.Header(got.Header).Get("Content-Type") != "application/json" || got.Callback != q1.Callback || got.User != "ann" ||
		got.API != "jobs" || got.Endpoint != "POST /reports" || !got.EnqueuedAt.Equal(t0) {
		t.Fatalf("claimed item = %+v, want x-1 as enqueued", got)
	}
	if got, err := s.ClaimExecution(ctx, "dev", "", "rt-b", t0.Add(5*time.Second), 10*time.Second); err != nil || got != nil {
		t.Fatalf("claim with everything leased = %+v, %v; want none", got, err)
	}

	// rt-a renews x-2; rt-a does not hold x-1.
	held, err := s.RenewExecutionLeases(ctx, "rt-a", []string{"x-1", "x-2", "nope"}, t0.Add(20*time.Second))
	if err != nil || !slices.Equal(held, []string{"x-2"}) {
		t.Fatalf("RenewExecutionLeases(rt-a) = %v, %v; want [x-2]", held, err)
	}
	// rt-b dies: its lease on x-1 passes at t0+10s, and rt-c takes it over.
	// x-2 was renewed to t0+20s, so it stays with rt-a.
	got, err = s.ClaimExecution(ctx, "dev", "", "rt-c", t0.Add(15*time.Second), 10*time.Second)
	if err != nil || got == nil || got.ID != "x-1" || got.ClaimedBy != "rt-c" || got.Attempts != 2 {
		t.Fatalf("claim after an expired lease = %+v, %v; want x-1 for rt-c, attempt 2", got, err)
	}
	if held, _ := s.RenewExecutionLeases(ctx, "rt-b", []string{"x-1"}, t0.Add(30*time.Second)); len(held) != 0 {
		t.Fatalf("rt-b renewed a lease it lost: %v", held)
	}

	if err := s.CompleteQueuedExecutions(ctx, []string{"x-1", "x-2", "unknown"}); err != nil {
		t.Fatalf("CompleteQueuedExecutions: %v", err)
	}
	if got, err := s.ClaimExecution(ctx, "dev", "", "rt-c", t0.Add(time.Hour), 10*time.Second); err != nil || got != nil {
		t.Fatalf("claim after completion = %+v, %v; want none", got, err)
	}
	if n, _ := s.CountQueuedExecutions(ctx, ""); n != 1 {
		t.Fatalf("CountQueuedExecutions(all) = %d; want 1 (prod)", n)
	}
	if _, err := s.ClaimExecution(ctx, "dev", "", "", t0, time.Second); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("a claim without a runtime: %v, want ErrInvalid", err)
	}
}

// testQueueConcurrentClaims: claimers racing over a queue never take one
// item twice, and together take every item.
func testQueueConcurrentClaims(t *testing.T, s store.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	const items, claimers = 40, 6
	for i := range items {
		q := &model.QueuedExecution{ID: fmt.Sprintf("c-%02d", i), Environment: "dev", Method: "POST", Path: "/ws/rest/x", EnqueuedAt: t0.Add(time.Duration(i) * time.Millisecond)}
		if _, err := s.EnqueueExecution(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu   sync.Mutex
		seen = map[string]string{}
		errs []error
		wg   sync.WaitGroup
	)
	for c := range claimers {
		rt := fmt.Sprintf("rt-%d", c)
		wg.Go(func() {
			for {
				got, err := s.ClaimExecution(ctx, "dev", "", rt, t0.Add(time.Second), time.Minute)
				mu.Lock()
				if err != nil {
					if errors.Is(err, model.ErrUnavailable) {
						// A busy database: the runtime asks again.
						mu.Unlock()
						continue
					}
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				if got == nil {
					mu.Unlock()
					return
				}
				if prev, dup := seen[got.ID]; dup {
					errs = append(errs, fmt.Errorf("%s claimed by %s and %s", got.ID, prev, rt))
				}
				seen[got.ID] = rt
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 || len(seen) != items {
		t.Fatalf("racing claimers took %d of %d items; errors %v", len(seen), items, errs)
	}
}
