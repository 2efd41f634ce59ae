package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/portico-dev/portico/internal/model"
)

// ListConsumers returns one page of API users by name; environment, when
// set, keeps those its snapshot holds.
func (c *Client) ListConsumers(ctx context.Context, environment string, opts ListOptions) (*Page[model.ConsumerView], error) {
	q := url.Values{}
	if environment != "" {
		q.Set("environment", environment)
	}
	return list[model.ConsumerView](ctx, c, "/consumers", q, opts)
}

// AllConsumers returns every API user (of environment, when set).
func (c *Client) AllConsumers(ctx context.Context, environment string) ([]model.ConsumerView, error) {
	return collect(ctx, func(ctx context.Context, o ListOptions) (*Page[model.ConsumerView], error) {
		return c.ListConsumers(ctx, environment, o)
	})
}

// GetConsumer finds an API user.
func (c *Client) GetConsumer(ctx context.Context, name string) (*model.ConsumerView, error) {
	var v model.ConsumerView
	if _, err := c.do(ctx, http.MethodGet, "/consumers/"+seg(name), nil, nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// consumerBody is the body of POST and PUT /consumers.
type consumerBody struct {
	*model.ConsumerDoc
	GenerateToken  bool `json:"generateToken,omitempty"`
	RemovePassword bool `json:"removePassword,omitempty"`
}

// CreateConsumer adds an API user (a conflict if the name is taken). With
// generateToken the answer's Token is a new clear token, shown this once.
func (c *Client) CreateConsumer(ctx context.Context, doc *model.ConsumerDoc, generateToken bool) (*model.ConsumerView, error) {
	var v model.ConsumerView
	if _, err := c.do(ctx, http.MethodPost, "/consumers", nil, consumerBody{ConsumerDoc: doc, GenerateToken: generateToken}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// PutOptions are the extras of PutConsumer.
type PutOptions struct {
	GenerateToken  bool // answer a new token, once
	RemovePassword bool // take the password away
}

// PutConsumer creates or replaces an API user; credentials doc leaves out
// are kept.
func (c *Client) PutConsumer(ctx context.Context, doc *model.ConsumerDoc, opts PutOptions) (*model.ConsumerView, error) {
	var v model.ConsumerView
	body := consumerBody{ConsumerDoc: doc, GenerateToken: opts.GenerateToken, RemovePassword: opts.RemovePassword}
	if _, err := c.do(ctx, http.MethodPut, "/consumers/"+seg(doc.Name), nil, body, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// DeleteConsumer deletes an API user.
func (c *Client) DeleteConsumer(ctx context.Context, name string) error {
	_, err := c.do(ctx, http.MethodDelete, "/consumers/"+seg(name), nil, nil, nil)
	return err
}

// CreateConsumerToken generates a token for an API user; the answer's Token
// is its clear value, shown this once.
func (c *Client) CreateConsumerToken(ctx context.Context, name string) (*model.ConsumerView, error) {
	var v model.ConsumerView
	if _, err := c.do(ctx, http.MethodPost, "/consumers/"+seg(name)+"/tokens", nil, nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// DeleteConsumerToken revokes an API user's token by its id.
func (c *Client) DeleteConsumerToken(ctx context.Context, name, id string) error {
	_, err := c.do(ctx, http.MethodDelete, "/consumers/"+seg(name)+"/tokens/"+seg(id), nil, nil, nil)
	return err
}
