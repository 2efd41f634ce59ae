package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Local is a GCRA limiter for one runtime. Each key holds one atomic
// timestamp, updated with compare-and-swap: requests never wait on a lock,
// and a key's state is one word. Idle keys are dropped by Sweep.
type Local struct {
	now   func() time.Time
	epoch time.Time
	keys  sync.Map // string → *atomic.Int64 (tat since epoch, ns)
}

// NewLocal returns a limiter reading time from now (time.Now when nil).
func NewLocal(now func() time.Time) *Local {
	if now == nil {
		now = time.Now
	}
	return &Local{now: now, epoch: now()}
}

var _ Limiter = (*Local)(nil)

// Allow implements Limiter.
func (l *Local) Allow(_ context.Context, key string, lim Limit) (Decision, error) {
	if err := lim.Valid(); err != nil {
		return Decision{}, err
	}
	now := l.now().Sub(l.epoch)
	v, ok := l.keys.Load(key)
	if !ok {
		v, _ = l.keys.LoadOrStore(key, new(atomic.Int64))
	}
	tat := v.(*atomic.Int64)
	for {
		old := tat.Load()
		d, next := gcra(now, time.Duration(old), lim)
		if !d.Allowed || tat.CompareAndSwap(old, int64(next)) {
			return d, nil
		}
	}
}

// Sweep forgets the keys whose state has fully drained: for them a fresh
// start is the same decision. Call it now and then (the runtime does every
// minute); it never blocks Allow.
func (l *Local) Sweep() int {
	now := int64(l.now().Sub(l.epoch))
	n := 0
	l.keys.Range(func(k, v any) bool {
		if v.(*atomic.Int64).Load() <= now {
			l.keys.Delete(k)
			n++
		}
		return true
	})
	return n
}
