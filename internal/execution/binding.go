package execution

import (
	"context"
	"sync"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// Binding is a Dispatcher under one environment's settings, as the
// endpoints of one snapshot see it (endpoint.Async). It is immutable.
type Binding struct {
	d         *Dispatcher
	maxWait   time.Duration
	limit     int
	retention time.Duration
	policy    CallbackPolicy
	link      string
	// lease is how long a claim of queued work lasts between renewals;
	// replay runs claimed work on this snapshot's routes (Activate).
	lease  time.Duration
	replay Replayer
	// running counts this snapshot's detached executions, which may use
	// its connection pools after their request has returned; onIdle runs
	// when it drops to zero.
	mu      sync.Mutex
	running int
	onIdle  []func()
}

// MaxWait is the cap of X-Max-Wait.
func (b *Binding) MaxWait() time.Duration { return b.maxWait }

// ResultLimit is the most body bytes a kept result holds.
func (b *Binding) ResultLimit() int { return b.limit }

// ResultExpiry is when a result kept now expires.
func (b *Binding) ResultExpiry(now time.Time) time.Time { return now.Add(b.retention) }

// CheckCallback refuses a callback URL the environment does not allow
// (ErrCallbackRefused).
func (b *Binding) CheckCallback(raw string) error { return b.policy.Check(raw) }

// StatusLink is where the execution is polled on the platform API.
func (b *Binding) StatusLink(id string) string { return b.link + id }

// Detach returns the context of a detached execution, which keeps parent's
// values but ends only when the execution is cancelled or the runtime shuts
// down; call release when it has ended.
func (b *Binding) Detach(parent context.Context, id string) (ctx context.Context, release func()) {
	b.mu.Lock()
	b.running++
	b.mu.Unlock()
	ctx, done := b.d.detach(parent, id)
	return ctx, func() {
		done()
		b.mu.Lock()
		b.running--
		var idle []func()
		if b.running == 0 {
			idle, b.onIdle = b.onIdle, nil
		}
		b.mu.Unlock()
		for _, f := range idle {
			f()
		}
	}
}

// AfterDetached calls release once the detached executions of this
// snapshot have ended: at once when none runs, else when the last one
// ends. The compiler releases a replaced snapshot's connection pools
// through it, so that a deploy does not close a pool under a running async
// execution.
func (b *Binding) AfterDetached(release func()) {
	b.mu.Lock()
	if b.running > 0 {
		b.onIdle = append(b.onIdle, release)
		b.mu.Unlock()
		return
	}
	b.mu.Unlock()
	release()
}

// Accept journals and reports the record of an execution that goes on
// after its answer (status INPROCESS). An error means it could not be
// journaled: the caller should not accept it.
func (b *Binding) Accept(ctx context.Context, rec *model.Execution) error {
	return b.d.accept(ctx, rec)
}

// Finish journals and reports the final record of a detached execution.
func (b *Binding) Finish(rec *model.Execution) { b.d.finish(rec) }
