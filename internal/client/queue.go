package client

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// EnqueueExecution makes an accepted async request durable in the control
// plane's queue, with the INPROCESS record its status link shows
// (executions:write; runtimes call it before answering 202).
func (c *Client) EnqueueExecution(ctx context.Context, item *model.QueuedExecution, rec *model.Execution) error {
	in := struct {
		Item   *model.QueuedExecution `json:"item"`
		Record *model.Execution       `json:"record,omitempty"`
	}{item, rec}
	_, err := c.do(ctx, http.MethodPost, "/executions/queue", nil, in, nil)
	return err
}

type claimBody struct {
	Runtime string   `json:"runtime"`
	LeaseMS int64    `json:"leaseMs"`
	IDs     []string `json:"ids,omitempty"`
}

// ClaimExecution claims, for runtime and under lease, the oldest queued
// execution of environment, or the one of id when id is not empty; nil
// when none is claimable.
func (c *Client) ClaimExecution(ctx context.Context, environment, id, runtime string, lease time.Duration) (*model.QueuedExecution, error) {
	q := url.Values{"environment": {environment}}
	if id != "" {
		q.Set("id", id)
	}
	var out struct {
		Item *model.QueuedExecution `json:"item"`
	}
	if _, err := c.do(ctx, http.MethodPost, "/executions/claim", q, claimBody{Runtime: runtime, LeaseMS: lease.Milliseconds()}, &out); err != nil {
		return nil, err
	}
	return out.Item, nil
}

// RenewExecutionLeases extends by lease the leases runtime holds among ids
// and returns those it still holds.
func (c *Client) RenewExecutionLeases(ctx context.Context, runtime string, ids []string, lease time.Duration) ([]string, error) {
	var out struct {
		IDs []string `json:"ids"`
	}
	if _, err := c.do(ctx, http.MethodPost, "/executions/leases", nil, claimBody{Runtime: runtime, LeaseMS: lease.Milliseconds(), IDs: ids}, &out); err != nil {
		return nil, err
	}
	return out.IDs, nil
}
