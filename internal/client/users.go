package client

import (
	"context"
	"net/http"

	"github.com/portico-dev/portico/internal/model"
)

// ListUsers returns one page of platform users by name (admins only).
func (c *Client) ListUsers(ctx context.Context, opts ListOptions) (*Page[model.User], error) {
	return list[model.User](ctx, c, "/users", nil, opts)
}

// AllUsers returns every platform user.
func (c *Client) AllUsers(ctx context.Context) ([]model.User, error) {
	return collect(ctx, c.ListUsers)
}

// CreateUserRequest is the body of POST /users.
type CreateUserRequest struct {
	Username string     `json:"username"`
	Role     model.Role `json:"role"`
	Password string     `json:"password"`
}

// CreateUser adds a platform user.
func (c *Client) CreateUser(ctx context.Context, req CreateUserRequest) (*model.User, error) {
	var u model.User
	if _, err := c.do(ctx, http.MethodPost, "/users", nil, req, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// GetUser finds a user (everyone may read their own).
func (c *Client) GetUser(ctx context.Context, username string) (*model.User, error) {
	var u model.User
	if _, err := c.do(ctx, http.MethodGet, "/users/"+seg(username), nil, nil, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// UserPatch changes what is non-nil.
type UserPatch struct {
	Role     *model.Role `json:"role,omitempty"`
	Password *string     `json:"password,omitempty"`
	Disabled *bool       `json:"disabled,omitempty"`
}

// UpdateUser changes a user's role, password or disabled flag (everyone may
// change their own password).
func (c *Client) UpdateUser(ctx context.Context, username string, patch UserPatch) (*model.User, error) {
	var u model.User
	if _, err := c.do(ctx, http.MethodPatch, "/users/"+seg(username), nil, patch, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// DeleteUser deletes a user and their tokens; the last admin cannot go.
func (c *Client) DeleteUser(ctx context.Context, username string) error {
	_, err := c.do(ctx, http.MethodDelete, "/users/"+seg(username), nil, nil, nil)
	return err
}
