package storetest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// testExecutionResults: a kept result comes back byte for byte until it
// expires; saving it again changes nothing.
func testExecutionResults(t *testing.T, s store.Store) {
	ctx := context.Background()
	body := []byte{0, 1, 2, 0xff, '{'}
	r := &model.ExecutionResult{
		ExecutionID: "x-1", Status: 201,
		Header:    map[string][]string{"Content-Type": {"application/octet-stream"}, "X-Two": {"a", "b"}},
		Body:      body,
		ExpiresAt: execBase.Add(time.Hour),
	}
	if err := s.SaveExecutionResult(ctx, r); err != nil {
		t.Fatalf("SaveExecutionResult: %v", err)
	}
	again := *r
	again.Status = 500
	if err := s.SaveExecutionResult(ctx, &again); err != nil {
		t.Fatalf("SaveExecutionResult again: %v", err)
	}
	got, err := s.GetExecutionResult(ctx, "x-1", execBase)
	if err != nil {
		t.Fatalf("GetExecutionResult: %v", err)
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if _, err := s.GetExecutionResult(ctx, "x-1", execBase.Add(2*time.Hour)); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("expired result: err = %v, want ErrNotFound", err)
	}
	if err := s.SaveExecutionResult(ctx, &model.ExecutionResult{ExecutionID: "x-2", Status: 42}); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("status 42: err = %v, want ErrInvalid", err)
	}
	n, err := s.DeleteExpiredResults(ctx, execBase.Add(2*time.Hour))
	if err != nil || n != 1 {
		t.Errorf("DeleteExpiredResults = %d, %v; want 1", n, err)
	}
}

// testDeliveries: the outbox queues once per id, hands a due delivery to one
// claimer only, keeps its attempts in order and can send it again.
func testDeliveries(t *testing.T, s store.Store) {
	ctx := context.Background()
	d := &model.Delivery{ID: "msg_1", ExecutionID: "x-1", Environment: "dev", URL: "https://hooks.example.com/a",
		Payload: []byte(`{"type":"execution.completed"}`), CreatedAt: execBase}
	created, err := s.EnqueueDelivery(ctx, d)
	if err != nil || !created {
		t.Fatalf("EnqueueDelivery = %v, %v; want created", created, err)
	}
	if created, err := s.EnqueueDelivery(ctx, d); err != nil || created {
		t.Fatalf("EnqueueDelivery again = %v, %v; want not created", created, err)
	}
	if _, err := s.EnqueueDelivery(ctx, &model.Delivery{ID: "msg_2", URL: "https://x", Payload: []byte("{")}); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("payload not JSON: err = %v, want ErrInvalid", err)
	}
	if got, err := s.ClaimDeliveries(ctx, execBase.Add(-time.Second), time.Minute, 10); err != nil || len(got) != 0 {
		t.Fatalf("claim before due = %d, %v; want none", len(got), err)
	}
	// Claimers racing for one due delivery: exactly one gets it.
	var (
		mu   sync.Mutex
		won  int
		wg   sync.WaitGroup
		errs []error
	)
	for range 4 {
		wg.Go(func() {
			got, err := s.ClaimDeliveries(ctx, execBase, time.Minute, 10)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			won += len(got)
			if len(got) == 1 && string(got[0].Payload) != `{"type":"execution.completed"}` {
				errs = append(errs, errors.New("claimed payload differs: "+string(got[0].Payload)))
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 || won != 1 {
		t.Fatalf("racing claims took %d deliveries (errors %v); want exactly 1", won, errs)
	}
	if got, _ := s.ClaimDeliveries(ctx, execBase.Add(30*time.Second), time.Minute, 10); len(got) != 0 {
		t.Fatalf("claimed again within the lease")
	}
	next := execBase.Add(10 * time.Second)
	if err := s.RecordDeliveryAttempt(ctx, "msg_1", model.DeliveryAttempt{At: execBase, HTTPStatus: 503, Error: "HTTP 503"}, model.DeliveryPending, &next); err != nil {
		t.Fatalf("RecordDeliveryAttempt: %v", err)
	}
	if got, _ := s.ClaimDeliveries(ctx, next, time.Minute, 10); len(got) != 1 {
		t.Fatalf("a retry due at next was not claimed")
	}
	if err := s.RecordDeliveryAttempt(ctx, "msg_1", model.DeliveryAttempt{At: next, HTTPStatus: 204}, model.DeliveryDelivered, nil); err != nil {
		t.Fatalf("RecordDeliveryAttempt: %v", err)
	}
	got, err := s.GetDelivery(ctx, "msg_1")
	if err != nil {
		t.Fatalf("GetDelivery: %v", err)
	}
	if got.Status != model.DeliveryDelivered || got.AttemptCount != 2 || len(got.Attempts) != 2 ||
		got.Attempts[0].HTTPStatus != 503 || got.Attempts[1].HTTPStatus != 204 || got.DeliveredAt == nil || got.NextAttemptAt != nil {
		t.Errorf("delivery after two attempts = %+v", got)
	}
	if got, _ := s.ClaimDeliveries(ctx, execBase.Add(time.Hour), time.Minute, 10); len(got) != 0 {
		t.Fatalf("a delivered delivery was claimed")
	}
	re, err := s.ResendDelivery(ctx, "msg_1", execBase.Add(time.Hour))
	if err != nil || re.Status != model.DeliveryPending || len(re.Attempts) != 2 {
		t.Fatalf("ResendDelivery = %+v, %v", re, err)
	}
	if got, _ := s.ClaimDeliveries(ctx, execBase.Add(time.Hour), time.Minute, 10); len(got) != 1 {
		t.Fatalf("a resent delivery was not claimed")
	}
	if _, err := s.ResendDelivery(ctx, "nope", execBase); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("resend unknown: err = %v, want ErrNotFound", err)
	}
	for i, id := range []string{"msg_a", "msg_b", "msg_c"} {
		if _, err := s.EnqueueDelivery(ctx, &model.Delivery{ID: id, ExecutionID: "x-" + id, Environment: "dev", URL: "https://h/",
			Payload: []byte(`{}`), CreatedAt: execBase.Add(time.Duration(i+1) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	page := store.Page{Limit: 2}
	for {
		items, next, err := s.ListDeliveries(ctx, store.DeliveryFilter{}, page)
		if err != nil {
			t.Fatalf("ListDeliveries: %v", err)
		}
		for _, d := range items {
			ids = append(ids, d.ID)
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	if want := []string{"msg_c", "msg_b", "msg_a", "msg_1"}; !slices.Equal(ids, want) {
		t.Errorf("ListDeliveries = %v, want %v", ids, want)
	}
	items, _, err := s.ListDeliveries(ctx, store.DeliveryFilter{ExecutionID: "x-1"}, store.Page{})
	if err != nil || len(items) != 1 || items[0].ID != "msg_1" {
		t.Errorf("ListDeliveries by execution = %v, %v", items, err)
	}
}

// testCancelRequests: a requested cancel is seen by the runtime that asks
// about its running executions.
func testCancelRequests(t *testing.T, s store.Store) {
	ctx := context.Background()
	for range 2 {
		if err := s.RequestCancel(ctx, "x-1", execBase); err != nil {
			t.Fatalf("RequestCancel: %v", err)
		}
	}
	got, err := s.CancelRequested(ctx, []string{"x-0", "x-1", "x-2"})
	if err != nil || !slices.Equal(got, []string{"x-1"}) {
		t.Errorf("CancelRequested = %v, %v; want [x-1]", got, err)
	}
	if got, err := s.CancelRequested(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("CancelRequested(nil) = %v, %v", got, err)
	}
	if _, err := s.DeleteAsyncBefore(ctx, execBase.Add(time.Second)); err != nil {
		t.Fatalf("DeleteAsyncBefore: %v", err)
	}
	if got, _ := s.CancelRequested(ctx, []string{"x-1"}); len(got) != 0 {
		t.Errorf("a cancel request outlived its retention")
	}
}

// testAsyncRetention: the sweep deletes old finished deliveries with their
// attempts, and keeps pending ones whatever their age.
func testAsyncRetention(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, id := range []string{"msg_done", "msg_pending", "msg_new"} {
		at := execBase
		if id == "msg_new" {
			at = execBase.Add(48 * time.Hour)
		}
		if _, err := s.EnqueueDelivery(ctx, &model.Delivery{ID: id, ExecutionID: id, Environment: "dev", URL: "https://h/", Payload: []byte(`{}`), CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"msg_done", "msg_new"} {
		if err := s.RecordDeliveryAttempt(ctx, id, model.DeliveryAttempt{At: execBase, HTTPStatus: 200}, model.DeliveryDelivered, nil); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.DeleteAsyncBefore(ctx, execBase.Add(24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("DeleteAsyncBefore = %d, %v; want 1", n, err)
	}
	if _, err := s.GetDelivery(ctx, "msg_done"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("old delivered delivery: %v, want ErrNotFound", err)
	}
	for _, id := range []string{"msg_pending", "msg_new"} {
		if _, err := s.GetDelivery(ctx, id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}
