package client

import (
	"context"
	"net/url"
	"strconv"
)

// Page is one page of a list answer. An empty NextCursor means the last page.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

// ListOptions asks for one page: Limit 0 means the server's default (50),
// Cursor is the previous page's NextCursor.
type ListOptions struct {
	Limit  int
	Cursor string
}

func (o ListOptions) values() url.Values {
	v := url.Values{}
	if o.Limit > 0 {
		v.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Cursor != "" {
		v.Set("cursor", o.Cursor)
	}
	return v
}

// allPageSize is the page size the All* helpers ask for: the server's maximum,
// so that a long list takes few round trips.
const allPageSize = 500

// collect follows the cursors of a list until its last page.
func collect[T any](ctx context.Context, fetch func(context.Context, ListOptions) (*Page[T], error)) ([]T, error) {
	var all []T
	opts := ListOptions{Limit: allPageSize}
	for {
		p, err := fetch(ctx, opts)
		if err != nil {
			return nil, err
		}
		all = append(all, p.Items...)
		if p.NextCursor == "" || len(p.Items) == 0 {
			return all, nil
		}
		opts.Cursor = p.NextCursor
	}
}

// list fetches one page of path.
func list[T any](ctx context.Context, c *Client, path string, query url.Values, opts ListOptions) (*Page[T], error) {
	q := opts.values()
	for k, vs := range query {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	var p Page[T]
	if _, err := c.do(ctx, "GET", path, q, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}
