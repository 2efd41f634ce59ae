package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/portico-dev/portico/internal/model"
)

// DeploymentQuery narrows ListDeployments; History false lists only what is
// active.
type DeploymentQuery struct {
	Environment string
	Component   *model.Ref
	History     bool
}

// ListDeployments returns one page of deployments, newest first.
func (c *Client) ListDeployments(ctx context.Context, q DeploymentQuery, opts ListOptions) (*Page[model.Deployment], error) {
	v := url.Values{}
	if q.Environment != "" {
		v.Set("environment", q.Environment)
	}
	if q.Component != nil {
		v.Set("component", q.Component.String())
	}
	if q.History {
		v.Set("history", "true")
	}
	return list[model.Deployment](ctx, c, "/deployments", v, opts)
}

// AllDeployments returns every deployment matching q, newest first.
func (c *Client) AllDeployments(ctx context.Context, q DeploymentQuery) ([]model.Deployment, error) {
	return collect(ctx, func(ctx context.Context, o ListOptions) (*Page[model.Deployment], error) {
		return c.ListDeployments(ctx, q, o)
	})
}

// DeployRequest is the body of POST /deployments: a PackageID, or a
// Component with an optional Version (none: the newest package).
type DeployRequest struct {
	Environment string     `json:"environment"`
	PackageID   string     `json:"packageId,omitempty"`
	Component   *model.Ref `json:"component,omitempty"`
	Version     string     `json:"version,omitempty"`
}

// Deploy makes a package active in an environment. changed is false when it
// already was.
func (c *Client) Deploy(ctx context.Context, req DeployRequest) (d *model.Deployment, changed bool, err error) {
	var out model.Deployment
	status, err := c.do(ctx, http.MethodPost, "/deployments", nil, req, &out)
	if err != nil {
		return nil, false, err
	}
	return &out, status == http.StatusCreated, nil
}

// RollbackRequest is the body of POST /deployments/rollback. Without
// ToVersion it goes back to the package active before the current one.
type RollbackRequest struct {
	Environment string    `json:"environment"`
	Component   model.Ref `json:"component"`
	ToVersion   string    `json:"toVersion,omitempty"`
	APIVersion  string    `json:"apiVersion,omitempty"`
}

// Rollback re-deploys an earlier package in an environment.
func (c *Client) Rollback(ctx context.Context, req RollbackRequest) (*model.Deployment, error) {
	var out model.Deployment
	if _, err := c.do(ctx, http.MethodPost, "/deployments/rollback", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UndeployRequest is the body of POST /deployments/undeploy; APIVersion
// limits it to one API version.
type UndeployRequest struct {
	Environment string    `json:"environment"`
	Component   model.Ref `json:"component"`
	APIVersion  string    `json:"apiVersion,omitempty"`
}

// Undeploy stops serving a component in an environment and returns the
// undeploy events recorded.
func (c *Client) Undeploy(ctx context.Context, req UndeployRequest) ([]model.Deployment, error) {
	var out Page[model.Deployment]
	if _, err := c.do(ctx, http.MethodPost, "/deployments/undeploy", nil, req, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}
