package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/portico-dev/portico/internal/model"
)

// ExecutionResult returns the kept result of an execution that answered
// 202: the status, headers and body its synchronous call would have
// answered. A result is told from the platform's own errors by its
// X-Execution-Id header, which names the execution; so a kept 404 is a
// result, not an error.
func (c *Client) ExecutionResult(ctx context.Context, id string) (*model.ExecutionResult, error) {
	u := c.BaseURL() + "/api/v1/executions/" + seg(id) + "/result"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, &NetworkError{URL: c.BaseURL(), Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, &NetworkError{URL: c.BaseURL(), Err: fmt.Errorf("read answer: %w", err)}
	}
	if resp.Header.Get("X-Execution-Id") != id {
		if resp.StatusCode >= 400 {
			return nil, decodeProblem(resp, data)
		}
		return nil, fmt.Errorf("GET %s: the answer is not an execution result; is %s a Portico control plane of the same version?", u, c.BaseURL())
	}
	return &model.ExecutionResult{ExecutionID: id, Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// CancelExecution asks the runtime running a detached execution to stop it;
// its record says ABORTED once it has.
func (c *Client) CancelExecution(ctx context.Context, id string) error {
	_, err := c.do(ctx, http.MethodPost, "/executions/"+seg(id)+"/cancel", nil, nil, nil)
	return err
}

// CancelRequested returns those of ids whose cancel was requested
// (executions:write; runtimes poll it).
func (c *Client) CancelRequested(ctx context.Context, ids []string) ([]string, error) {
	in := struct {
		IDs []string `json:"ids"`
	}{ids}
	var out struct {
		IDs []string `json:"ids"`
	}
	if _, err := c.do(ctx, http.MethodPost, "/executions/cancellations", nil, in, &out); err != nil {
		return nil, err
	}
	return out.IDs, nil
}

// DeliveryQuery narrows ListDeliveries.
type DeliveryQuery struct {
	Execution string
	Status    string
}

// ListDeliveries returns one page of webhook deliveries, newest first.
func (c *Client) ListDeliveries(ctx context.Context, q DeliveryQuery, opts ListOptions) (*Page[model.Delivery], error) {
	v := url.Values{}
	if q.Execution != "" {
		v.Set("execution", q.Execution)
	}
	if q.Status != "" {
		v.Set("status", q.Status)
	}
	return list[model.Delivery](ctx, c, "/deliveries", v, opts)
}

// GetDelivery returns a delivery with its payload and attempts.
func (c *Client) GetDelivery(ctx context.Context, id string) (*model.Delivery, error) {
	var d model.Delivery
	if _, err := c.do(ctx, http.MethodGet, "/deliveries/"+seg(id), nil, nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// ResendDelivery queues a delivery to be sent again.
func (c *Client) ResendDelivery(ctx context.Context, id string) (*model.Delivery, error) {
	var d model.Delivery
	if _, err := c.do(ctx, http.MethodPost, "/deliveries/"+seg(id)+"/resend", nil, nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}
