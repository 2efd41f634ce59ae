package proxy

import (
	"sync/atomic"
	"time"
)

// Breaker states.
const (
	breakerClosed int32 = iota
	breakerOpen
	breakerHalfOpen
)

// breaker is a circuit breaker over the whole upstream: after threshold
// failed calls in a row it opens and refuses calls for openFor; then one
// trial call is let through (half-open), whose outcome closes it again or
// reopens it. Only atomics: it sits on every request.
type breaker struct {
	threshold int32
	openFor   int64
	now       func() int64

	state     atomic.Int32
	fails     atomic.Int32
	openUntil atomic.Int64
}

func newBreaker(threshold int, openFor time.Duration, now func() int64) *breaker {
	return &breaker{threshold: int32(threshold), openFor: int64(openFor), now: now}
}

// allow reports whether a call may go out; when it may not, wait is how
// long the breaker stays open.
func (b *breaker) allow() (ok bool, wait time.Duration) {
	switch b.state.Load() {
	case breakerClosed:
		return true, 0
	case breakerOpen:
		now := b.now()
		until := b.openUntil.Load()
		if now < until {
			return false, time.Duration(until - now)
		}
		if b.state.CompareAndSwap(breakerOpen, breakerHalfOpen) {
			return true, 0 // the trial call
		}
	}
	// Half-open: the trial call is out; the others wait for its verdict.
	return false, time.Second
}

// done records the outcome of a call that allow let through.
func (b *breaker) done(ok bool) {
	switch b.state.Load() {
	case breakerClosed:
		if ok {
			if b.fails.Load() != 0 {
				b.fails.Store(0)
			}
			return
		}
		if b.fails.Add(1) >= b.threshold {
			b.open()
		}
	case breakerHalfOpen:
		if ok {
			b.fails.Store(0)
			b.state.Store(breakerClosed)
			return
		}
		b.open()
	}
}

// abandon is for a call that ended without a verdict (the client went
// away): a trial call gives its turn to the next request.
func (b *breaker) abandon() {
	if b.state.Load() == breakerHalfOpen {
		b.openUntil.Store(b.now())
		b.state.Store(breakerOpen)
	}
}

func (b *breaker) open() {
	b.openUntil.Store(b.now() + b.openFor)
	b.fails.Store(0)
	b.state.Store(breakerOpen)
}
