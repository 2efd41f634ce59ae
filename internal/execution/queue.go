package execution

import (
	"context"
	"errors"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// Queue is the control plane's durable queue of the requests async
// endpoints accepted (the platform API; the store in serve).
type Queue interface {
	EnqueueExecution(ctx context.Context, item *model.QueuedExecution, rec *model.Execution) error
	ClaimExecution(ctx context.Context, environment, id, runtime string, lease time.Duration) (*model.QueuedExecution, error)
	RenewExecutionLeases(ctx context.Context, runtime string, ids []string, lease time.Duration) ([]string, error)
}

// Defaults of the queue's settings in DispatcherConfig.
const (
	DefaultQueuePoll        = time.Second
	DefaultQueueConcurrency = 64
)

// Replayer runs a claimed queued request on a snapshot's routes; false
// when no async endpoint took it (endpoint.Replay).
type Replayer func(ctx context.Context, item *model.QueuedExecution) bool

// Queued implements endpoint.Queue: accepted async requests go through
// the durable queue when the runtime has one.
func (b *Binding) Queued() bool { return b.d.cfg.Queue != nil }

// Enqueue implements endpoint.Queue.
func (b *Binding) Enqueue(ctx context.Context, item *model.QueuedExecution, rec *model.Execution) error {
	ctx, cancel := context.WithTimeout(ctx, reportTimeout)
	defer cancel()
	return b.d.cfg.Queue.EnqueueExecution(ctx, item, rec)
}

// Claim implements endpoint.Queue: the accepting runtime takes its own
// work by id at once, so that queuing adds one round trip and no wait.
func (b *Binding) Claim(ctx context.Context, id string) bool {
	ctx, cancel := context.WithTimeout(ctx, reportTimeout)
	defer cancel()
	item, err := b.d.cfg.Queue.ClaimExecution(ctx, b.d.cfg.Environment, id, b.d.cfg.RuntimeID, b.lease)
	if err != nil {
		b.d.log.Warn("claiming an execution just queued; a runtime of the environment will claim it", "execution", id, "err", err)
		return false
	}
	if item == nil {
		return false
	}
	b.d.hold(id)
	return true
}

// FinishQueued implements endpoint.Queue. An execution the runtime's
// shutdown stopped is not reported: it stays queued, and another runtime
// claims it once its lease passes.
func (b *Binding) FinishQueued(ctx context.Context, rec *model.Execution) {
	b.d.unhold(rec.ID)
	if rec.Status == model.ExecAborted && errors.Is(context.Cause(ctx), ErrShutdown) {
		b.d.log.Info("a queued execution stopped by the shutdown stays queued for another runtime", "execution", rec.ID)
		return
	}
	b.d.finish(rec)
}

// Activate makes b the binding whose routes run the work this runtime
// claims from the queue: the compiler calls it once a snapshot compiled.
func (b *Binding) Activate(replay Replayer) {
	b.replay = replay
	b.d.current.Store(b)
}

func (d *Dispatcher) hold(id string) {
	d.mu.Lock()
	d.held[id] = struct{}{}
	d.mu.Unlock()
}

func (d *Dispatcher) unhold(id string) {
	d.mu.Lock()
	delete(d.held, id)
	d.mu.Unlock()
}

func (d *Dispatcher) heldIDs() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	ids := make([]string, 0, len(d.held))
	for id := range d.held {
		ids = append(ids, id)
	}
	return ids
}

// runQueue claims the environment's queued work that no runtime holds
// (accepted by a runtime that died, or that could not claim it) and renews
// the leases of the work running here, until ctx ends.
func (d *Dispatcher) runQueue(ctx context.Context) {
	t := time.NewTicker(d.cfg.QueuePoll)
	defer t.Stop()
	var renewed time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.base.Done():
			return
		case <-t.C:
		}
		b := d.current.Load()
		if b == nil {
			continue
		}
		if time.Since(renewed) >= b.lease/3 {
			d.renew(ctx, b.lease)
			renewed = time.Now()
		}
		d.claim(ctx, b)
	}
}

// renew extends the leases of the queued executions running here.
func (d *Dispatcher) renew(ctx context.Context, lease time.Duration) {
	ids := d.heldIDs()
	if len(ids) == 0 {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, reportTimeout)
	defer cancel()
	kept, err := d.cfg.Queue.RenewExecutionLeases(rctx, d.cfg.RuntimeID, ids, lease)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("renewing the leases of queued executions", "err", err)
		}
		return
	}
	still := make(map[string]bool, len(kept))
	for _, id := range kept {
		still[id] = true
	}
	for _, id := range ids {
		if !still[id] {
			// Another runtime took it over (this one was too slow to
			// renew): both may finish it; the first final record counts.
			d.log.Warn("lost the lease of a queued execution", "execution", id)
			d.unhold(id)
		}
	}
}

// claim takes queued work while there is some and room to run it.
func (d *Dispatcher) claim(ctx context.Context, b *Binding) {
	for len(d.heldIDs()) < d.cfg.QueueConcurrency && d.base.Err() == nil {
		cctx, cancel := context.WithTimeout(ctx, reportTimeout)
		item, err := d.cfg.Queue.ClaimExecution(cctx, d.cfg.Environment, "", d.cfg.RuntimeID, b.lease)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				d.log.Warn("claiming queued executions", "err", err)
			}
			return
		}
		if item == nil {
			return
		}
		d.log.Info("claimed a queued execution", "execution", item.ID, "attempt", item.Attempts, "enqueued", item.EnqueuedAt)
		d.hold(item.ID)
		go func() {
			if b.replay != nil && b.replay(context.Background(), item) {
				return
			}
			d.unhold(item.ID)
			now := time.Now().UTC()
			d.finish(&model.Execution{
				ID: item.ID, Environment: d.cfg.Environment, Runtime: d.cfg.RuntimeID, API: item.API, Endpoint: item.Endpoint,
				Trigger: "rest", Mode: model.ModeGeneral, Status: model.ExecError, HTTPStatus: 404,
				Error:     "no async endpoint serves " + item.Method + " " + item.Path + " in the deployed snapshot any more",
				StartedAt: now, EndedAt: &now, Async: &model.ExecutionAsync{Callback: item.Callback},
			})
		}()
	}
}
