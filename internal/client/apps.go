package client

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// ListPlans returns one page of plans by name.
func (c *Client) ListPlans(ctx context.Context, opts ListOptions) (*Page[model.Plan], error) {
	return list[model.Plan](ctx, c, "/plans", nil, opts)
}

// AllPlans returns every plan.
func (c *Client) AllPlans(ctx context.Context) ([]model.Plan, error) {
	return collect(ctx, c.ListPlans)
}

// GetPlan finds a plan by name.
func (c *Client) GetPlan(ctx context.Context, name string) (*model.Plan, error) {
	var p model.Plan
	if _, err := c.do(ctx, http.MethodGet, "/plans/"+seg(name), nil, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// CreatePlan creates a plan; one that exists is a 409 problem.
func (c *Client) CreatePlan(ctx context.Context, p *model.Plan) (*model.Plan, error) {
	var out model.Plan
	if _, err := c.do(ctx, http.MethodPost, "/plans", nil, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PutPlan creates or updates a plan and says what it did (or, with dryRun,
// what it would do).
func (c *Client) PutPlan(ctx context.Context, p *model.Plan, dryRun bool) (*ApplyResult, error) {
	var res ApplyResult
	if _, err := c.do(ctx, http.MethodPut, "/plans/"+seg(p.Name), dryRunQuery(dryRun), p, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// DeletePlan deletes a plan no subscription uses.
func (c *Client) DeletePlan(ctx context.Context, name string) error {
	_, err := c.do(ctx, http.MethodDelete, "/plans/"+seg(name), nil, nil, nil)
	return err
}

func dryRunQuery(dryRun bool) url.Values {
	if !dryRun {
		return nil
	}
	return url.Values{"dryRun": {"true"}}
}

// ListApplications returns one page of applications by name.
func (c *Client) ListApplications(ctx context.Context, opts ListOptions) (*Page[model.Application], error) {
	return list[model.Application](ctx, c, "/applications", nil, opts)
}

// AllApplications returns every application.
func (c *Client) AllApplications(ctx context.Context) ([]model.Application, error) {
	return collect(ctx, c.ListApplications)
}

// GetApplication finds an application by name, with its keys (prefixes
// only) and subscriptions.
func (c *Client) GetApplication(ctx context.Context, name string) (*model.Application, error) {
	var a model.Application
	if _, err := c.do(ctx, http.MethodGet, "/applications/"+seg(name), nil, nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// CreateApplication creates an application; one that exists is a 409 problem.
func (c *Client) CreateApplication(ctx context.Context, a *model.Application) (*model.Application, error) {
	var out model.Application
	if _, err := c.do(ctx, http.MethodPost, "/applications", nil, a, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PutApplication creates or updates an application (its keys stay) and
// says what it did (or, with dryRun, what it would do).
func (c *Client) PutApplication(ctx context.Context, a *model.Application, dryRun bool) (*ApplyResult, error) {
	var res ApplyResult
	if _, err := c.do(ctx, http.MethodPut, "/applications/"+seg(a.Name), dryRunQuery(dryRun), a, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// DeleteApplication deletes an application with its keys and subscriptions.
func (c *Client) DeleteApplication(ctx context.Context, name string) error {
	_, err := c.do(ctx, http.MethodDelete, "/applications/"+seg(name), nil, nil, nil)
	return err
}

// NewAPIKeyRequest is the body of POST /applications/{name}/keys.
type NewAPIKeyRequest struct {
	ExpiresAt *time.Time   `json:"expiresAt,omitempty"`
	Status    model.Status `json:"status,omitempty"`
}

// NewAPIKey is a generated key: Key is the clear key, shown this once.
type NewAPIKey struct {
	Key string `json:"key"`
	model.APIKey
}

// CreateAPIKey generates an API key for an application.
func (c *Client) CreateAPIKey(ctx context.Context, app string, req NewAPIKeyRequest) (*NewAPIKey, error) {
	var out NewAPIKey
	if _, err := c.do(ctx, http.MethodPost, "/applications/"+seg(app)+"/keys", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAPIKeys lists an application's keys (prefixes, never the keys).
func (c *Client) ListAPIKeys(ctx context.Context, app string) ([]model.APIKey, error) {
	p, err := list[model.APIKey](ctx, c, "/applications/"+seg(app)+"/keys", nil, ListOptions{})
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}

// RevokeAPIKey deletes one key of an application.
func (c *Client) RevokeAPIKey(ctx context.Context, app, id string) error {
	_, err := c.do(ctx, http.MethodDelete, "/applications/"+seg(app)+"/keys/"+seg(id), nil, nil, nil)
	return err
}

// SetAPIKeyStatus disables or enables one key of an application.
func (c *Client) SetAPIKeyStatus(ctx context.Context, app, id string, status model.Status) (*model.APIKey, error) {
	var k model.APIKey
	body := map[string]model.Status{"status": status}
	if _, err := c.do(ctx, http.MethodPatch, "/applications/"+seg(app)+"/keys/"+seg(id), nil, body, &k); err != nil {
		return nil, err
	}
	return &k, nil
}

// Subscribe subscribes an application to an API under a plan (or moves an
// existing subscription to that plan).
func (c *Client) Subscribe(ctx context.Context, app string, sub model.Subscription) (*ApplyResult, error) {
	var res ApplyResult
	if _, err := c.do(ctx, http.MethodPost, "/applications/"+seg(app)+"/subscriptions", nil, sub, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// Unsubscribe ends the subscription to api (and version, if it names one).
func (c *Client) Unsubscribe(ctx context.Context, app, api, version string) error {
	var q url.Values
	if version != "" {
		q = url.Values{"version": {version}}
	}
	_, err := c.do(ctx, http.MethodDelete, "/applications/"+seg(app)+"/subscriptions/"+seg(api), q, nil, nil)
	return err
}
