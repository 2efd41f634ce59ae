package pool

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestSaturationQueuesThenRefuses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := New(Config{Name: "shared", MaxRunning: 2, MaxQueued: 1, QueueTimeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		p.Acquire(ctx)
		p.Acquire(ctx)
		got := make(chan error, 1)
		go func() {
			err := p.Acquire(ctx)
			if err == nil {
				defer p.Release()
			}
			got <- err
		}()
		synctest.Wait()
		if s := p.Stats(); s.Running != 2 || s.Queued != 1 {
			t.Fatalf("stats %+v, want 2 running and 1 queued", s)
		}
		if err := p.Acquire(ctx); !errors.Is(err, ErrFull) {
			t.Fatalf("a fourth request: %v, want ErrFull", err)
		}
		p.Release()
		if err := <-got; err != nil {
			t.Fatalf("the queued request: %v", err)
		}
		p.Release()
		synctest.Wait()
		s := p.Stats()
		if s.Running != 0 || s.Queued != 0 || s.Completed != 3 || s.Rejected != 1 {
			t.Fatalf("stats %+v, want all done, 3 completed, 1 rejected", s)
		}
	})
}

func TestQueueTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, _ := New(Config{Name: "api:erp", MaxRunning: 1, MaxQueued: 5, QueueTimeout: 2 * time.Second})
		p.Acquire(context.Background())
		defer p.Release()
		start := time.Now()
		if err := p.Acquire(context.Background()); !errors.Is(err, ErrQueueTimeout) {
			t.Fatalf("got %v, want ErrQueueTimeout", err)
		}
		if waited := time.Since(start); waited != 2*time.Second {
			t.Fatalf("waited %s, want the queue timeout of 2s", waited)
		}
		if s := p.Stats(); s.TimedOut != 1 || s.Queued != 0 {
			t.Fatalf("stats %+v", s)
		}
	})
}

func TestCallerGivesUpWhileQueued(t *testing.T) {
	p, _ := New(Config{MaxRunning: 1, MaxQueued: 1})
	p.Acquire(context.Background())
	defer p.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestNeverMoreThanMaxRunning(t *testing.T) {
	p, _ := New(Config{MaxRunning: 3, MaxQueued: 1000})
	var mu sync.Mutex
	running, peak := 0, 0
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if err := p.Acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			running++
			peak = max(peak, running)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
			p.Release()
		})
	}
	wg.Wait()
	if peak != 3 {
		t.Fatalf("peak of %d executions at once, want 3", peak)
	}
}

func TestInvalidConfig(t *testing.T) {
	for _, c := range []Config{{}, {MaxRunning: 1, MaxQueued: -1}, {MaxRunning: 1, QueueTimeout: -1}} {
		if _, err := New(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func BenchmarkAcquireRelease(b *testing.B) {
	p, _ := New(Config{MaxRunning: 64, MaxQueued: 64})
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if p.Acquire(ctx) == nil {
				p.Release()
			}
		}
	})
}
