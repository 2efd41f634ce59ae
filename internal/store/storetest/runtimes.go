package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

func testRuntimes(t *testing.T, s store.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	a := &model.RuntimeInstance{ID: "rt-a", Environment: "dev", Address: "10.0.0.1:9090", Version: "1.0.0", StartedAt: t0, LastSeen: t0}
	b := &model.RuntimeInstance{ID: "rt-b", Environment: "dev", StartedAt: t0, LastSeen: t0.Add(time.Second)}
	c := &model.RuntimeInstance{ID: "rt-c", Environment: "prod", StartedAt: t0, LastSeen: t0.Add(2 * time.Second)}
	for _, r := range []*model.RuntimeInstance{a, b, c} {
		if err := s.PutRuntime(ctx, r); err != nil {
			t.Fatalf("PutRuntime %s: %v", r.ID, err)
		}
	}
	// A later heartbeat of a: it serves revision 7 now; its start stays.
	beat := &model.RuntimeInstance{ID: "rt-a", Environment: "dev", Address: "10.0.0.1:9090", Version: "1.0.0",
		Revision: 7, Ready: true, LastError: "compile: bad", StartedAt: t0.Add(time.Hour), LastSeen: t0.Add(3 * time.Second)}
	if err := s.PutRuntime(ctx, beat); err != nil {
		t.Fatal(err)
	}
	got, err := s.ListRuntimes(ctx, "dev")
	if err != nil {
		t.Fatal(err)
	}
	want := []*model.RuntimeInstance{
		{ID: "rt-a", Environment: "dev", Address: "10.0.0.1:9090", Version: "1.0.0", Revision: 7, Ready: true, LastError: "compile: bad", StartedAt: t0, LastSeen: t0.Add(3 * time.Second)},
		{ID: "rt-b", Environment: "dev", StartedAt: t0, LastSeen: t0.Add(time.Second)},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("ListRuntimes(dev) (-want +got):\n%s", d)
	}
	all, err := s.ListRuntimes(ctx, "")
	if err != nil || len(all) != 3 || all[0].ID != "rt-a" || all[1].ID != "rt-c" {
		t.Fatalf("ListRuntimes(all): %v %v, want a, c, b by last seen", ids(all), err)
	}
	n, err := s.DeleteRuntimesBefore(ctx, t0.Add(1500*time.Millisecond))
	if err != nil || n != 1 {
		t.Fatalf("DeleteRuntimesBefore: %d %v, want 1 (rt-b)", n, err)
	}
	if err := s.PutRuntime(ctx, &model.RuntimeInstance{ID: "has space", Environment: "dev"}); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("an invalid heartbeat: %v, want ErrInvalid", err)
	}
}

func ids(rs []*model.RuntimeInstance) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}
