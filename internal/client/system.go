package client

import (
	"context"
	"net/http"

	"github.com/portico-dev/portico/internal/model"
)

// Identity is who the token belongs to.
type Identity struct {
	Username string     `json:"username"`
	Role     model.Role `json:"role"`
	TokenID  string     `json:"tokenId"`
}

// Whoami returns the caller's identity.
func (c *Client) Whoami(ctx context.Context) (*Identity, error) {
	var id Identity
	if _, err := c.do(ctx, http.MethodGet, "/whoami", nil, nil, &id); err != nil {
		return nil, err
	}
	return &id, nil
}

// VersionInfo is the build of a control plane (or of the CLI itself).
type VersionInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"goVersion"`
}

// Version returns the control plane's build.
func (c *Client) Version(ctx context.Context) (*VersionInfo, error) {
	var v VersionInfo
	if _, err := c.do(ctx, http.MethodGet, "/version", nil, nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Health is the control plane's own view of its health.
type Health struct {
	Status string `json:"status"`
	Store  string `json:"store"`
}

// Health asks whether the control plane and its store answer; a store that
// does not answer is a 503 problem.
func (c *Client) Health(ctx context.Context) (*Health, error) {
	var h Health
	if _, err := c.do(ctx, http.MethodGet, "/health", nil, nil, &h); err != nil {
		return nil, err
	}
	return &h, nil
}
