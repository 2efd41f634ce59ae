package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

func TestSnapshotLongPoll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := startPlatform(t)

	snap, rev, err := c.Snapshot(ctx, "dev", -1, -1)
	if err != nil || snap == nil || snap.Environment != "dev" || snap.Revision != rev || rev < 1 {
		t.Fatalf("snapshot = %+v, %d, %v", snap, rev, err)
	}

	begin := time.Now()
	snap, got, err := c.Snapshot(ctx, "dev", rev, 200*time.Millisecond)
	if err != nil || snap != nil || got != rev {
		t.Fatalf("unchanged = %+v, %d, %v; want nil and revision %d", snap, got, err, rev)
	}
	if d := time.Since(begin); d < 150*time.Millisecond {
		t.Errorf("answered after %v; it should have waited 200ms", d)
	}

	// A poll from ahead of the environment learns its real revision, at
	// once with a zero wait.
	begin = time.Now()
	if snap, got, err = c.Snapshot(ctx, "dev", rev+100, 0); err != nil || snap != nil || got != rev {
		t.Fatalf("from ahead = %+v, %d, %v", snap, got, err)
	}
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("a zero wait answered after %v", d)
	}

	changed := make(chan error, 1)
	go func() {
		snap, got, err := c.Snapshot(ctx, "dev", rev, 10*time.Second)
		if err == nil && (snap == nil || got <= rev || snap.Spec.PublicURL != "https://api.example.com") {
			err = errors.New("no newer snapshot")
		}
		changed <- err
	}()
	time.Sleep(100 * time.Millisecond)
	if _, err := c.PutEnvironment(ctx, &model.Environment{Name: "dev", Spec: model.EnvironmentSpec{PublicURL: "https://api.example.com"}}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-changed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting poll did not see the change")
	}

	if _, _, err := c.Snapshot(ctx, "nope", -1, -1); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("unknown environment: %v", err)
	}
	if _, _, err := c.WithToken("").Snapshot(ctx, "dev", -1, -1); !errors.Is(err, model.ErrUnauthenticated) {
		t.Errorf("no token: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := c.Snapshot(cctx, "dev", -1, -1); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
