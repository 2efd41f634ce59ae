package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// LocalCounter counts quotas in one runtime. A key's state is one word: the
// day its window started (high bits) and the count (low bits), changed with
// compare-and-swap, so a new window starts from zero without a timer and
// without losing a request counted at the boundary.
type LocalCounter struct {
	now  func() time.Time
	keys sync.Map // string → *atomic.Uint64
}

const (
	countBits = 40
	countMask = 1<<countBits - 1
)

// NewLocalCounter returns a counter reading time from now (time.Now when nil).
func NewLocalCounter(now func() time.Time) *LocalCounter {
	if now == nil {
		now = time.Now
	}
	return &LocalCounter{now: now}
}

var _ Counter = (*LocalCounter)(nil)

// Take implements Counter.
func (c *LocalCounter) Take(_ context.Context, key string, q Quota) (Decision, error) {
	if q.Max <= 0 || q.Max > countMask {
		return Decision{}, fmt.Errorf("quota of %d per %s: the maximum must be between 1 and %d", q.Max, q.Window, int64(countMask))
	}
	now := c.now()
	start, end, err := q.Window.Bounds(now)
	if err != nil {
		return Decision{}, err
	}
	day := uint64(start.Unix() / 86400)
	v, ok := c.keys.Load(key)
	if !ok {
		v, _ = c.keys.LoadOrStore(key, new(atomic.Uint64))
	}
	state := v.(*atomic.Uint64)
	d := Decision{Limit: int(q.Max), ResetAfter: end.Sub(now)}
	for {
		old := state.Load()
		n := int64(old & countMask)
		if old>>countBits != day {
			n = 0 // an older window: this one starts from zero
		}
		if n >= q.Max {
			d.RetryAfter = d.ResetAfter
			return d, nil
		}
		if state.CompareAndSwap(old, day<<countBits|uint64(n+1)) {
			d.Allowed = true
			d.Remaining = int(q.Max - n - 1)
			return d, nil
		}
	}
}

// Sweep forgets the counts of windows that ended more than a month ago:
// whatever their window, those are over.
func (c *LocalCounter) Sweep() int {
	cutoff := uint64(c.now().Add(-32*24*time.Hour).Unix() / 86400)
	n := 0
	c.keys.Range(func(k, v any) bool {
		if v.(*atomic.Uint64).Load()>>countBits < cutoff {
			c.keys.Delete(k)
			n++
		}
		return true
	})
	return n
}
