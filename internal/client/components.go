package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/portico-dev/portico/internal/model"
)

// ApplyRequest is the body of POST /apply: everything in it is saved in one
// transaction, or nothing is.
type ApplyRequest struct {
	Components   []*model.Component   `json:"components"`
	Environments []*model.Environment `json:"environments,omitempty"`
	Users        []*model.ConsumerDoc `json:"users,omitempty"` // API users (kind: User)
	DryRun       bool                 `json:"dryRun,omitempty"`
}

// ApplyResult says what applying one document did. Kind is a component kind
// or "environment".
type ApplyResult struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Action   string `json:"action"` // created | updated | unchanged
	Revision int64  `json:"revision"`
	Hash     string `json:"hash,omitempty"`
}

// Apply saves components and environments, all or nothing.
func (c *Client) Apply(ctx context.Context, req ApplyRequest) ([]ApplyResult, error) {
	if req.Components == nil {
		req.Components = []*model.Component{}
	}
	var out struct {
		Results []ApplyResult `json:"results"`
	}
	if _, err := c.do(ctx, http.MethodPost, "/apply", nil, req, &out); err != nil {
		return nil, err
	}
	return out.Results, nil
}

func componentPath(ref model.Ref) string {
	return "/components/" + seg(string(ref.Kind)) + "/" + seg(ref.Name)
}

// GetComponent returns the current revision of a component.
func (c *Client) GetComponent(ctx context.Context, ref model.Ref) (*model.Component, error) {
	var comp model.Component
	if _, err := c.do(ctx, http.MethodGet, componentPath(ref), nil, nil, &comp); err != nil {
		return nil, err
	}
	return &comp, nil
}

// ListComponents returns one page of components of kind ("" for every kind).
func (c *Client) ListComponents(ctx context.Context, kind model.Kind, opts ListOptions) (*Page[model.Component], error) {
	q := url.Values{}
	if kind != "" {
		q.Set("kind", string(kind))
	}
	return list[model.Component](ctx, c, "/components", q, opts)
}

// AllComponents returns every component of kind ("" for every kind).
func (c *Client) AllComponents(ctx context.Context, kind model.Kind) ([]model.Component, error) {
	return collect(ctx, func(ctx context.Context, o ListOptions) (*Page[model.Component], error) {
		return c.ListComponents(ctx, kind, o)
	})
}

// PutComponent saves one component.
func (c *Client) PutComponent(ctx context.Context, comp *model.Component) (*ApplyResult, error) {
	var res ApplyResult
	if _, err := c.do(ctx, http.MethodPut, componentPath(comp.Ref()), nil, comp, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// DeleteComponent removes a component from the current set; it fails with a
// 409 problem while another component references it.
func (c *Client) DeleteComponent(ctx context.Context, ref model.Ref) error {
	_, err := c.do(ctx, http.MethodDelete, componentPath(ref), nil, nil, nil)
	return err
}

// ListRevisions returns one page of a component's revisions, newest first.
func (c *Client) ListRevisions(ctx context.Context, ref model.Ref, opts ListOptions) (*Page[model.Component], error) {
	return list[model.Component](ctx, c, componentPath(ref)+"/revisions", nil, opts)
}

// AllRevisions returns every revision of a component, newest first.
func (c *Client) AllRevisions(ctx context.Context, ref model.Ref) ([]model.Component, error) {
	return collect(ctx, func(ctx context.Context, o ListOptions) (*Page[model.Component], error) {
		return c.ListRevisions(ctx, ref, o)
	})
}

// GetRevision returns one revision of a component.
func (c *Client) GetRevision(ctx context.Context, ref model.Ref, revision int) (*model.Component, error) {
	var comp model.Component
	if _, err := c.do(ctx, http.MethodGet, componentPath(ref)+"/revisions/"+strconv.Itoa(revision), nil, nil, &comp); err != nil {
		return nil, err
	}
	return &comp, nil
}
