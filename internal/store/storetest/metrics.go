package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// testMetricsBlocks: blocks of two runtimes with one key add up (counts,
// buckets; the larger max), other keys and resolutions stay apart, the
// filters hold and the sweep forgets old blocks.
func testMetricsBlocks(t *testing.T, s store.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	k := model.MetricsKey{API: "erp", Endpoint: "GET /customers/{id}", Process: "getCustomer"}
	a := model.MetricsBlock{MetricsKey: k, Start: t0, Count: 3, Errors: model.MetricsErrors{Client: 1}, MaxMS: 2.5, Buckets: []int64{0, 1, 2}}
	b := model.MetricsBlock{MetricsKey: k, Start: t0, Count: 2, Errors: model.MetricsErrors{Server: 1}, MaxMS: 7.25, Buckets: []int64{0, 0, 1, 1}}
	other := model.MetricsBlock{MetricsKey: model.MetricsKey{API: "crm", Endpoint: "getLead"}, Start: t0.Add(time.Second), Count: 1, MaxMS: 1, Buckets: []int64{1}}
	if err := s.AddMetricsBlocks(ctx, "dev", 1, []model.MetricsBlock{a, other}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMetricsBlocks(ctx, "dev", 1, []model.MetricsBlock{b}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMetricsBlocks(ctx, "prod", 1, []model.MetricsBlock{b}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMetricsBlocks(ctx, "dev", 60, []model.MetricsBlock{a}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ListMetricsBlocks(ctx, "dev", 1, "", t0, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := []model.MetricsBlock{
		{MetricsKey: other.MetricsKey, Start: t0.Add(time.Second), Count: 1, MaxMS: 1, Buckets: []int64{1}},
		{MetricsKey: k, Start: t0, Count: 5, Errors: model.MetricsErrors{Client: 1, Server: 1}, MaxMS: 7.25, Buckets: []int64{0, 1, 3, 1}},
	}
	// Oldest first: t0 (erp) before t0+1s (crm).
	want[0], want[1] = want[1], want[0]
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("ListMetricsBlocks (-want +got):\n%s", d)
	}
	if got, err := s.ListMetricsBlocks(ctx, "dev", 1, "crm", t0, t0.Add(time.Minute)); err != nil || len(got) != 1 || got[0].API != "crm" {
		t.Fatalf("only crm: %+v %v", got, err)
	}
	if got, err := s.ListMetricsBlocks(ctx, "dev", 1, "", t0, t0.Add(time.Second)); err != nil || len(got) != 1 || got[0].API != "erp" {
		t.Fatalf("until t0+1s: %+v %v", got, err)
	}
	if got, err := s.ListMetricsBlocks(ctx, "dev", 60, "", t0.Add(-time.Hour), time.Time{}); err != nil || len(got) != 1 || got[0].Count != 3 {
		t.Fatalf("minute blocks: %+v %v", got, err)
	}
	if err := s.AddMetricsBlocks(ctx, "dev", 60, []model.MetricsBlock{{Start: t0.Add(time.Second), Count: 1}}); err == nil {
		t.Error("a minute block starting off the minute was accepted")
	}
	n, err := s.DeleteMetricsBlocksBefore(ctx, 1, t0.Add(time.Second))
	if err != nil || n != 2 {
		t.Fatalf("DeleteMetricsBlocksBefore: %d %v, want 2 (erp in dev and prod)", n, err)
	}
	if got, _ := s.ListMetricsBlocks(ctx, "dev", 1, "", t0.Add(-time.Hour), time.Time{}); len(got) != 1 || got[0].API != "crm" {
		t.Fatalf("after the sweep: %+v", got)
	}
	if got, _ := s.ListMetricsBlocks(ctx, "dev", 60, "", t0.Add(-time.Hour), time.Time{}); len(got) != 1 {
		t.Fatalf("the sweep of seconds removed minute blocks: %+v", got)
	}
}
