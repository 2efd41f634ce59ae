package runtime

import (
	"testing"
	"time"
)

func TestBackoffGrowsWithJitterUpToMax(t *testing.T) {
	t.Parallel()
	b := backoff{min: 100 * time.Millisecond, max: time.Second}
	wants := []time.Duration{100, 200, 400, 800, 1000, 1000, 1000}
	for i, w := range wants {
		w *= time.Millisecond
		got := b.next()
		if got < w/2 || got > w {
			t.Errorf("attempt %d: %v, want within [%v, %v]", i, got, w/2, w)
		}
	}
	b.reset()
	if got := b.next(); got > 100*time.Millisecond {
		t.Errorf("after reset: %v, want at most 100ms", got)
	}
}

func TestBackoffJitters(t *testing.T) {
	t.Parallel()
	seen := map[time.Duration]bool{}
	for range 50 {
		b := backoff{min: time.Second, max: time.Second}
		seen[b.next()] = true
	}
	if len(seen) < 2 {
		t.Errorf("50 waits were all %v: no jitter", seen)
	}
}
