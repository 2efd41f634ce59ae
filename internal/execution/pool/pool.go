// Package pool bounds how many executions run at once. A pool has a number
// of running slots and a bounded queue; a request that finds the queue full
// is refused at once (the caller answers 503 with Retry-After), and one that
// waits longer than the queue timeout gives up. The shared pool and the
// dedicated pools of an environment or an API are each one Pool.
package pool

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// ErrFull means every slot is busy and the queue is full.
var ErrFull = errors.New("the worker pool and its queue are full")

// ErrQueueTimeout means a request waited its whole queue timeout.
var ErrQueueTimeout = errors.New("waited too long for a worker")

// Config sizes a pool.
type Config struct {
	// Name labels the pool's figures ("shared", "api:erp").
	Name string
	// MaxRunning is the number of executions that run at once (>0).
	MaxRunning int
	// MaxQueued is how many may wait for a slot (0: none wait).
	MaxQueued int
	// QueueTimeout bounds a wait (no bound when zero; the request's
	// context still ends it).
	QueueTimeout time.Duration
}

// Pool is a semaphore with a bounded, timed queue. It takes no lock: slots
// are a buffered channel and the figures atomics.
type Pool struct {
	cfg       Config
	slots     chan struct{}
	queued    atomic.Int64
	running   atomic.Int64
	completed atomic.Uint64
	rejected  atomic.Uint64
	timedOut  atomic.Uint64
}

// New returns a pool sized by cfg.
func New(cfg Config) (*Pool, error) {
	if cfg.MaxRunning <= 0 {
		return nil, fmt.Errorf("pool %s: maxRunning must be positive, not %d", cfg.Name, cfg.MaxRunning)
	}
	if cfg.MaxQueued < 0 || cfg.QueueTimeout < 0 {
		return nil, fmt.Errorf("pool %s: maxQueued and queueTimeout must not be negative", cfg.Name)
	}
	return &Pool{cfg: cfg, slots: make(chan struct{}, cfg.MaxRunning)}, nil
}

// Acquire takes a slot, waiting in the queue while every slot is busy.
// Every Acquire that returns nil is followed by exactly one Release.
func (p *Pool) Acquire(ctx context.Context) error {
	select {
	case p.slots <- struct{}{}:
		p.running.Add(1)
		return nil
	default:
	}
	if p.queued.Add(1) > int64(p.cfg.MaxQueued) {
		p.queued.Add(-1)
		p.rejected.Add(1)
		return ErrFull
	}
	defer p.queued.Add(-1)
	var expired <-chan time.Time
	if p.cfg.QueueTimeout > 0 {
		t := time.NewTimer(p.cfg.QueueTimeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case p.slots <- struct{}{}:
		p.running.Add(1)
		return nil
	case <-expired:
		p.timedOut.Add(1)
		return ErrQueueTimeout
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release returns the slot an Acquire took.
func (p *Pool) Release() {
	p.running.Add(-1)
	p.completed.Add(1)
	<-p.slots
}

// RetryAfter is what a refused caller is told to wait: the queue timeout,
// or a second when the pool has none.
func (p *Pool) RetryAfter() time.Duration {
	if p.cfg.QueueTimeout > time.Second {
		return p.cfg.QueueTimeout
	}
	return time.Second
}

// Stats are a pool's figures for monitoring.
type Stats struct {
	Name       string `json:"name"`
	MaxRunning int    `json:"maxRunning"`
	MaxQueued  int    `json:"maxQueued"`
	Running    int64  `json:"running"`
	Queued     int64  `json:"queued"`
	Completed  uint64 `json:"completed"`
	Rejected   uint64 `json:"rejected"`
	TimedOut   uint64 `json:"timedOut"`
}

// Stats returns the pool's figures now.
func (p *Pool) Stats() Stats {
	return Stats{
		Name: p.cfg.Name, MaxRunning: p.cfg.MaxRunning, MaxQueued: p.cfg.MaxQueued,
		Running: p.running.Load(), Queued: p.queued.Load(),
		Completed: p.completed.Load(), Rejected: p.rejected.Load(), TimedOut: p.timedOut.Load(),
	}
}
