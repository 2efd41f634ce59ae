// Package client is a typed Go client of the Portico platform API
// (/api/v1, docs/platform-api.md). The CLI uses it; so can scripts and tests.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client calls one control plane with one bearer token. It is safe for
// concurrent use.
type Client struct {
	base  *url.URL
	token string
	hc    *http.Client
}

// New returns a client of the control plane at baseURL (e.g.
// "http://127.0.0.1:8080"). token may be empty for the routes that need none;
// hc nil means http.DefaultClient.
func New(baseURL, token string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(baseURL), "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server address %q is not an http(s) URL such as http://127.0.0.1:8080", baseURL)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: u, token: token, hc: hc}, nil
}

// BaseURL is the control plane's address as given to New, without a trailing slash.
func (c *Client) BaseURL() string { return c.base.String() }

// WithToken returns a copy of the client that sends token instead.
func (c *Client) WithToken(token string) *Client {
	cp := *c
	cp.token = token
	return &cp
}

// maxResponse bounds what the client reads of one answer; the largest lists
// are a page of components.
const maxResponse = 64 << 20

// do sends one request to /api/v1 + path and decodes a JSON answer into out
// (when out is non-nil). It returns the status code of a successful answer.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) (int, error) {
	// path is built with seg() for every name, so it is already escaped.
	u, err := url.Parse(c.BaseURL() + "/api/v1" + path)
	if err != nil {
		return 0, fmt.Errorf("build request URL: %w", err)
	}
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, fmt.Errorf("encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return 0, ctxErr
		}
		return 0, &NetworkError{URL: c.BaseURL(), Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return 0, &NetworkError{URL: c.BaseURL(), Err: fmt.Errorf("read answer: %w", err)}
	}
	if resp.StatusCode >= 400 {
		return resp.StatusCode, decodeProblem(resp, data)
	}
	if out != nil && resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusNotModified {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: cannot decode the answer (%w); is %s a Portico control plane of the same version?",
				method, path, err, c.BaseURL())
		}
	}
	return resp.StatusCode, nil
}

// seg escapes one path segment (a name, an id).
func seg(s string) string { return url.PathEscape(s) }

// NetworkError says that the control plane could not be reached at all.
type NetworkError struct {
	URL string
	Err error
}

// Error names the address and suggests how to fix it.
func (e *NetworkError) Error() string {
	return fmt.Sprintf("cannot reach the Portico control plane at %s: %v (is `portico serve` running there? set --server or PORTICO_SERVER)",
		e.URL, shortNetErr(e.Err))
}

// Unwrap returns the transport error.
func (e *NetworkError) Unwrap() error { return e.Err }

// shortNetErr drops the "Get \"http://...\":" prefix of url.Error, which
// repeats what NetworkError already says.
func shortNetErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
