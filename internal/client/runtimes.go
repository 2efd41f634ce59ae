package client

import (
	"context"
	"net/http"
	"net/url"
	"time"

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

// ReportMetrics sends a runtime's completed one-second blocks of live
// aggregates (executions:write).
func (c *Client) ReportMetrics(ctx context.Context, rep *model.MetricsReport) error {
	_, err := c.do(ctx, http.MethodPost, "/metrics/report", nil, rep, nil)
	return err
}

// MetricsSummary returns the aggregate blocks of an environment: resolution
// "1s" or "1m", api "" for all, since zero for the whole retention.
func (c *Client) MetricsSummary(ctx context.Context, env, api, resolution string, since time.Time) (*model.MetricsSummaryAnswer, error) {
	v := url.Values{"environment": {env}}
	if api != "" {
		v.Set("api", api)
	}
	if resolution != "" {
		v.Set("resolution", resolution)
	}
	if !since.IsZero() {
		v.Set("since", since.UTC().Format(time.RFC3339))
	}
	var out model.MetricsSummaryAnswer
	if _, err := c.do(ctx, http.MethodGet, "/metrics/summary", v, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
