package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/portico-dev/portico/internal/client"
	"github.com/portico-dev/portico/internal/model"
)

// DefaultPollWait is how long one snapshot long-poll waits for a change.
const DefaultPollWait = 30 * time.Second

// pollMargin is added to the wait for the whole request, so that a control
// plane answering 304 at the end of its wait is not cut off by our timeout.
const pollMargin = 15 * time.Second

// ControlPlaneSource long-polls the platform API for an environment's
// snapshots (GET /api/v1/environments/{env}/snapshot?after=REV&wait=30s)
// with a token whose role reads snapshots (runtime, operator or admin).
type ControlPlaneSource struct {
	client *client.Client
	env    string
	wait   time.Duration
	// probe asks the next poll not to wait: the first one, and the first
	// after a failure, so that the runtime learns at once that the control
	// plane answers rather than at the end of a long poll.
	probe atomic.Bool
}

// NewControlPlaneSource polls env through c; wait <= 0 means DefaultPollWait.
// c's http.Client must not time out before wait: give it no Timeout and let
// the context bound each poll.
func NewControlPlaneSource(c *client.Client, env string, wait time.Duration) *ControlPlaneSource {
	if wait <= 0 {
		wait = DefaultPollWait
	}
	s := &ControlPlaneSource{client: c, env: env, wait: wait}
	s.probe.Store(true)
	return s
}

// Poll asks once, waiting up to the source's wait for a newer snapshot.
func (s *ControlPlaneSource) Poll(ctx context.Context, after int64) (*model.Snapshot, int64, error) {
	wait := s.wait
	if s.probe.Load() {
		wait = 0
	}
	pctx, cancel := context.WithTimeout(ctx, wait+pollMargin)
	defer cancel()
	snap, rev, err := s.client.Snapshot(pctx, s.env, after, wait)
	s.probe.Store(err != nil)
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			return nil, 0, fmt.Errorf("the control plane at %s did not answer a snapshot poll within %s", s.client.BaseURL(), wait+pollMargin)
		}
		return nil, 0, err
	}
	if snap != nil && snap.Environment != s.env {
		return nil, 0, fmt.Errorf("the control plane answered the snapshot of environment %q when asked for %q", snap.Environment, s.env)
	}
	return snap, rev, nil
}
