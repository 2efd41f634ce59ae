package client

import (
	"context"
	"net/http"

	"github.com/portico-dev/portico/internal/model"
)

// ListEnvironments returns one page of environments by name.
func (c *Client) ListEnvironments(ctx context.Context, opts ListOptions) (*Page[model.Environment], error) {
	return list[model.Environment](ctx, c, "/environments", nil, opts)
}

// AllEnvironments returns every environment.
func (c *Client) AllEnvironments(ctx context.Context) ([]model.Environment, error) {
	return collect(ctx, c.ListEnvironments)
}

// GetEnvironment finds an environment by name.
func (c *Client) GetEnvironment(ctx context.Context, name string) (*model.Environment, error) {
	var env model.Environment
	if _, err := c.do(ctx, http.MethodGet, "/environments/"+seg(name), nil, nil, &env); err != nil {
		return nil, err
	}
	return &env, nil
}

// CreateEnvironment creates an environment; one that exists is a 409 problem.
func (c *Client) CreateEnvironment(ctx context.Context, env *model.Environment) (*model.Environment, error) {
	var out model.Environment
	if _, err := c.do(ctx, http.MethodPost, "/environments", nil, env, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PutEnvironment creates or updates an environment.
func (c *Client) PutEnvironment(ctx context.Context, env *model.Environment) (*model.Environment, error) {
	var out model.Environment
	if _, err := c.do(ctx, http.MethodPut, "/environments/"+seg(env.Name), nil, env, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteEnvironment deletes an environment with nothing deployed.
func (c *Client) DeleteEnvironment(ctx context.Context, name string) error {
	_, err := c.do(ctx, http.MethodDelete, "/environments/"+seg(name), nil, nil, nil)
	return err
}
