package client

import (
	"context"
	"net/url"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// AuditFilter narrows ListAudit; zero fields match everything.
type AuditFilter struct {
	User, Action, Kind, Name string
	Since, Until             time.Time
}

func (f AuditFilter) values() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"user": f.User, "action": f.Action, "kind": f.Kind, "name": f.Name} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if !f.Since.IsZero() {
		q.Set("since", f.Since.Format(time.RFC3339Nano))
	}
	if !f.Until.IsZero() {
		q.Set("until", f.Until.Format(time.RFC3339Nano))
	}
	return q
}

// ListAudit returns one page of the audit log, newest first.
func (c *Client) ListAudit(ctx context.Context, f AuditFilter, opts ListOptions) (*Page[model.AuditEntry], error) {
	return list[model.AuditEntry](ctx, c, "/audit", f.values(), opts)
}
