package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/portico-dev/portico/internal/model"
)

// CreatePackageRequest is the body of POST /packages.
type CreatePackageRequest struct {
	Component model.Ref `json:"component"`
	Version   string    `json:"version"`
	Notes     string    `json:"notes,omitempty"`
}

// CreatePackage pins the current revisions of a root component under a
// version; a version already used is a 409 problem.
func (c *Client) CreatePackage(ctx context.Context, req CreatePackageRequest) (*model.Package, error) {
	var p model.Package
	if _, err := c.do(ctx, http.MethodPost, "/packages", nil, req, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// GetPackage finds a package by id.
func (c *Client) GetPackage(ctx context.Context, id string) (*model.Package, error) {
	var p model.Package
	if _, err := c.do(ctx, http.MethodGet, "/packages/"+seg(id), nil, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ListPackages returns one page of packages, newest first; a nil component
// lists every component's.
func (c *Client) ListPackages(ctx context.Context, component *model.Ref, opts ListOptions) (*Page[model.Package], error) {
	q := url.Values{}
	if component != nil {
		q.Set("component", component.String())
	}
	return list[model.Package](ctx, c, "/packages", q, opts)
}

// AllPackages returns every package (of component when non-nil), newest first.
func (c *Client) AllPackages(ctx context.Context, component *model.Ref) ([]model.Package, error) {
	return collect(ctx, func(ctx context.Context, o ListOptions) (*Page[model.Package], error) {
		return c.ListPackages(ctx, component, o)
	})
}

// DeletePackage deletes a package that is active nowhere.
func (c *Client) DeletePackage(ctx context.Context, id string) error {
	_, err := c.do(ctx, http.MethodDelete, "/packages/"+seg(id), nil, nil, nil)
	return err
}
