package runtime

import (
	"context"
	"errors"
	"fmt"
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
}

// NewControlPlaneSource polls env through c; wait <= 0 means DefaultPollWait.
// c's http.Client must not time out before wait: give it no Timeout and let
// the context bound each poll.
func NewControlPlaneSource(c *client.Client, env string, wait time.Duration) *ControlPlaneSource {
	if wait <= 0 {
		wait = DefaultPollWait
	}
	return &ControlPlaneSource{client: c, env: env, wait: wait}
}

// Poll asks once, waiting up to the source's wait for a newer snapshot.
func (s *ControlPlaneSource) Poll(ctx context.Context, after int64) (*model.Snapshot, int64, error) {
	pctx, cancel := context.WithTimeout(ctx, s.wait+pollMargin)
	defer cancel()
	snap, rev, err := s.client.Snapshot(pctx, s.env, after, s.wait)
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			return nil, 0, fmt.Errorf("the control plane at %s did not answer a snapshot poll within %s", s.client.BaseURL(), s.wait+pollMargin)
		}
		return nil, 0, err
	}
	if snap != nil && snap.Environment != s.env {
		return nil, 0, fmt.Errorf("the control plane answered the snapshot of environment %q when asked for %q", snap.Environment, s.env)
	}
	return snap, rev, nil
}
