package client

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// Session is the answer to a sign-in: a session token valid for 12 hours.
type Session struct {
	Token     string     `json:"token"`
	ExpiresAt time.Time  `json:"expiresAt"`
	Username  string     `json:"username"`
	Role      model.Role `json:"role"`
}

// SignIn exchanges a username and password for a session token. It needs no
// token itself.
func (c *Client) SignIn(ctx context.Context, username, password string) (*Session, error) {
	var s Session
	body := map[string]string{"username": username, "password": password}
	if _, err := c.WithToken("").do(ctx, http.MethodPost, "/tokens", nil, body, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// CreateTokenRequest asks for a long-lived token of the caller. ExpiresIn is
// a Go duration ("720h"); empty means it never expires.
type CreateTokenRequest struct {
	Name      string     `json:"name"`
	Role      model.Role `json:"role"`
	ExpiresIn string     `json:"expiresIn,omitempty"`
}

// CreatedToken is a new token; Token is its clear value, shown only now.
type CreatedToken struct {
	Token     string     `json:"token"`
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      model.Role `json:"role"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// CreateToken creates a long-lived token whose role is at most the caller's.
func (c *Client) CreateToken(ctx context.Context, req CreateTokenRequest) (*CreatedToken, error) {
	var t CreatedToken
	if _, err := c.do(ctx, http.MethodPost, "/tokens", nil, req, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// ListTokens returns one page of tokens: the caller's own; for an admin,
// username's, or everyone's when username is empty.
func (c *Client) ListTokens(ctx context.Context, username string, opts ListOptions) (*Page[model.Token], error) {
	q := url.Values{}
	if username != "" {
		q.Set("username", username)
	}
	return list[model.Token](ctx, c, "/tokens", q, opts)
}

// AllTokens returns every token ListTokens would page through.
func (c *Client) AllTokens(ctx context.Context, username string) ([]model.Token, error) {
	return collect(ctx, func(ctx context.Context, o ListOptions) (*Page[model.Token], error) {
		return c.ListTokens(ctx, username, o)
	})
}

// RevokeToken deletes a token (the caller's own, or any for an admin).
func (c *Client) RevokeToken(ctx context.Context, id string) error {
	_, err := c.do(ctx, http.MethodDelete, "/tokens/"+seg(id), nil, nil, nil)
	return err
}
