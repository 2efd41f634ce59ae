package client

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// ExecutionQuery narrows ListExecutions; zero fields match everything.
// Since (inclusive) and Until (exclusive) bound the start time.
type ExecutionQuery struct {
	Environment string
	Process     string
	API         string
	Status      string
	Since       time.Time
	Until       time.Time
}

func (q ExecutionQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"environment": q.Environment, "process": q.Process, "api": q.API, "status": q.Status} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.UTC().Format(time.RFC3339Nano))
	}
	if !q.Until.IsZero() {
		v.Set("until", q.Until.UTC().Format(time.RFC3339Nano))
	}
	return v
}

// ListExecutions returns one page of execution records, newest first,
// without their input and output documents.
func (c *Client) ListExecutions(ctx context.Context, q ExecutionQuery, opts ListOptions) (*Page[model.Execution], error) {
	return list[model.Execution](ctx, c, "/executions", q.values(), opts)
}

// GetExecution returns one execution record with its documents.
func (c *Client) GetExecution(ctx context.Context, id string) (*model.Execution, error) {
	var x model.Execution
	if _, err := c.do(ctx, http.MethodGet, "/executions/"+seg(id), nil, nil, &x); err != nil {
		return nil, err
	}
	return &x, nil
}

// ReportExecutions sends a batch of at most 1000 records (executions:write)
// and returns how many were added or moved to a further status. Sending a
// batch again is safe: records already stored count for nothing.
func (c *Client) ReportExecutions(ctx context.Context, recs []model.Execution) (int, error) {
	if recs == nil {
		recs = []model.Execution{}
	}
	in := struct {
		Items []model.Execution `json:"items"`
	}{recs}
	var out struct {
		Inserted int `json:"inserted"`
	}
	if _, err := c.do(ctx, http.MethodPost, "/executions/batch", nil, in, &out); err != nil {
		return 0, err
	}
	return out.Inserted, nil
}
