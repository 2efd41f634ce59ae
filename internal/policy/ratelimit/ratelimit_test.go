package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable time source.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.ns.Store(t.UnixNano()); return c }

func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }
func (c *clock) set(t time.Time)         { c.ns.Store(t.UnixNano()) }

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func TestLocalBurstThenSteadyRate(t *testing.T) {
	ctx := context.Background()
	c := newClock(t0)
	l := NewLocal(c.now)
	lim := Limit{Rate: 10, Period: time.Second, Burst: 5}
	for i := range 5 {
		d, err := l.Allow(ctx, "k", lim)
		if err != nil || !d.Allowed {
			t.Fatalf("request %d of the burst refused: %+v %v", i, d, err)
		}
		if d.Remaining != 4-i || d.Limit != 5 {
			t.Fatalf("request %d: remaining %d limit %d, want %d and 5", i, d.Remaining, d.Limit, 4-i)
		}
	}
	d, _ := l.Allow(ctx, "k", lim)
	if d.Allowed || d.RetryAfter != 100*time.Millisecond || d.Remaining != 0 {
		t.Fatalf("sixth request: %+v, want refused with RetryAfter 100ms", d)
	}
	if d.ResetAfter != 500*time.Millisecond {
		t.Fatalf("reset after %s, want 500ms (five intervals to drain)", d.ResetAfter)
	}
	c.advance(99 * time.Millisecond)
	if d, _ := l.Allow(ctx, "k", lim); d.Allowed {
		t.Fatal("admitted 1ms before the next slot")
	}
	c.advance(time.Millisecond)
	if d, _ := l.Allow(ctx, "k", lim); !d.Allowed {
		t.Fatalf("refused at the next slot: %+v", d)
	}
	if d, _ := l.Allow(ctx, "other", lim); !d.Allowed || d.Remaining != 4 {
		t.Fatalf("keys are not independent: %+v", d)
	}
}

func TestLocalExactUnderConcurrency(t *testing.T) {
	c := newClock(t0)
	l := NewLocal(c.now)
	lim := Limit{Rate: 1, Period: time.Hour, Burst: 100}
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				d, err := l.Allow(context.Background(), "k", lim)
				if err != nil {
					t.Error(err)
					return
				}
				if d.Allowed {
					admitted.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if admitted.Load() != 100 {
		t.Fatalf("admitted %d of 1600 at one instant, want exactly the burst of 100", admitted.Load())
	}
}

// TestLocalAccuracyOverWindow offers twice the limit for a minute and expects
// the limit (plus the burst) within 1%.
func TestLocalAccuracyOverWindow(t *testing.T) {
	c := newClock(t0)
	l := NewLocal(c.now)
	lim := PerSecond(50)
	admitted := 0
	for range 6000 { // 100 requests/s for 60 s
		if d, _ := l.Allow(context.Background(), "k", lim); d.Allowed {
			admitted++
		}
		c.advance(10 * time.Millisecond)
	}
	want := 50*60 + 50
	if diff := admitted - want; diff < -want/100 || diff > want/100 {
		t.Fatalf("admitted %d over 60 s at 50/s (burst 50), want %d ± 1%%", admitted, want)
	}
}

func TestLocalSweepForgetsDrainedKeys(t *testing.T) {
	c := newClock(t0)
	l := NewLocal(c.now)
	l.Allow(context.Background(), "a", PerSecond(1))
	l.Allow(context.Background(), "b", PerMinute(1))
	c.advance(2 * time.Second)
	if n := l.Sweep(); n != 1 {
		t.Fatalf("swept %d keys, want 1 (a drained, b not)", n)
	}
	if d, _ := l.Allow(context.Background(), "b", PerMinute(1)); d.Allowed {
		t.Fatal("sweep lost the state of a key still limited")
	}
}

func TestInvalidLimits(t *testing.T) {
	l := NewLocal(nil)
	for _, lim := range []Limit{{}, {Rate: -1, Period: time.Second}, {Rate: 1, Period: 0}, {Rate: 10, Period: 5}} {
		if _, err := l.Allow(context.Background(), "k", lim); err == nil {
			t.Errorf("%+v accepted", lim)
		}
	}
	if _, err := NewLocalCounter(nil).Take(context.Background(), "k", Quota{Max: 1, Window: "year"}); err == nil {
		t.Error("a yearly quota was accepted")
	}
}

func TestWindowBounds(t *testing.T) {
	for _, tc := range []struct {
		w          Window
		at         time.Time
		start, end time.Time
	}{
		{Day, time.Date(2026, 11, 27, 23, 59, 59, 0, time.UTC), time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)},
		{Week, time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}, // a Sunday
		{Week, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)},   // a Monday
		{Month, time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Day, time.Date(2026, 11, 27, 1, 0, 0, 0, time.FixedZone("CET", 3600)), time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)},
	} {
		s, e, err := tc.w.Bounds(tc.at)
		if err != nil || !s.Equal(tc.start) || !e.Equal(tc.end) {
			t.Errorf("%s at %s: %s – %s (%v), want %s – %s", tc.w, tc.at, s, e, err, tc.start, tc.end)
		}
	}
}

func TestLocalQuotaRollsOverAtUTCMidnight(t *testing.T) {
	ctx := context.Background()
	c := newClock(time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC))
	q := NewLocalCounter(c.now)
	quota := Quota{Max: 3, Window: Day}
	for i := range 3 {
		d, err := q.Take(ctx, "app", quota)
		if err != nil || !d.Allowed || d.Remaining != 2-i {
			t.Fatalf("request %d: %+v %v", i, d, err)
		}
	}
	d, _ := q.Take(ctx, "app", quota)
	if d.Allowed || d.RetryAfter != time.Hour || d.ResetAfter != time.Hour {
		t.Fatalf("fourth request: %+v, want refused until midnight (1h)", d)
	}
	c.set(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	if d, _ := q.Take(ctx, "app", quota); !d.Allowed || d.Remaining != 2 {
		t.Fatalf("first request of the new day: %+v", d)
	}
}

func TestLocalQuotaExactUnderConcurrency(t *testing.T) {
	c := newClock(t0)
	q := NewLocalCounter(c.now)
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if d, _ := q.Take(context.Background(), "app", Quota{Max: 250, Window: Month}); d.Allowed {
					admitted.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if admitted.Load() != 250 {
		t.Fatalf("admitted %d, want exactly 250", admitted.Load())
	}
}

func BenchmarkLocalAllow(b *testing.B) {
	l := NewLocal(nil)
	lim := Limit{Rate: 1 << 20, Period: time.Second}
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Allow(ctx, "api:erp:v1", lim)
		}
	})
}

func BenchmarkLocalTake(b *testing.B) {
	q := NewLocalCounter(nil)
	quota := Quota{Max: countMask, Window: Month}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		q.Take(ctx, "app:42", quota)
	}
}
