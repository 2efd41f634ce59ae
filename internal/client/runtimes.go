package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/portico-dev/portico/internal/model"
)

// Heartbeat reports a runtime's state (executions:write); the answer is the
// record as the control plane keeps it.
func (c *Client) Heartbeat(ctx context.Context, r *model.RuntimeInstance) (*model.RuntimeInstance, error) {
	var out model.RuntimeInstance
	if _, err := c.do(ctx, http.MethodPost, "/runtimes/heartbeat", nil, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListRuntimes returns the runtimes of env (all when empty) with their
// status, most recently seen first.
func (c *Client) ListRuntimes(ctx context.Context, env string) ([]model.RuntimeInstance, error) {
	v := url.Values{}
	if env != "" {
		v.Set("environment", env)
	}
	p, err := list[model.RuntimeInstance](ctx, c, "/runtimes", v, ListOptions{})
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}
