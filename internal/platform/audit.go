package platform

import (
	"context"
	"net"
	"net/http"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// audit notes the change a request is about to make: the store records the
// entry in the transaction that commits the change (store.WithAudit), so a
// refused change leaves no entry and a saved one always has its entry. user
// "" is the caller. Details must never hold a secret.
func (s *Server) audit(c *call, user, action, kind, name string, details map[string]string) {
	if user == "" && c.caller != nil {
		user = c.caller.user.Username
	}
	p := &store.PendingAudit{Entries: []*model.AuditEntry{{
		User: user, Address: remoteHost(c.r), Action: action, Kind: kind, Name: name, Details: details,
	}}}
	c.r = c.r.WithContext(store.WithAudit(c.r.Context(), p))
}

// recordAudit saves entries after a change that could not carry them in its
// own transaction; the change is already made, so a failure is logged.
func (s *Server) recordAudit(c *call, entries []*model.AuditEntry) {
	for _, e := range entries {
		e.User, e.Address = c.caller.user.Username, remoteHost(c.r)
	}
	if err := s.store.RecordAudit(c.r.Context(), entries); err != nil {
		s.log.Error("recording the audit log", "err", err, "entries", len(entries))
	}
}

// auditLeftOver records, right after a successful request, the audit
// entries that no write transaction of the store recorded (changes the store
// makes in a single statement, such as creating a token).
func (s *Server) auditLeftOver(c *call) {
	p := store.AuditOf(c.r.Context())
	if p == nil || !p.MarkRecorded() {
		return
	}
	if err := s.store.RecordAudit(context.WithoutCancel(c.r.Context()), p.Entries); err != nil {
		s.log.Error("recording the audit log", "err", err, "action", p.Entries[0].Action)
	}
}

// dropAudit forgets the request's pending entry: the request turned out to
// change nothing.
func dropAudit(c *call) {
	if p := store.AuditOf(c.r.Context()); p != nil {
		p.MarkRecorded()
	}
}

// remoteHost is the address the request came from, without its port.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// detail returns a details map of the non-empty key, value pairs.
func detail(kv ...string) map[string]string {
	var m map[string]string
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if m == nil {
			m = map[string]string{}
		}
		m[kv[i]] = kv[i+1]
	}
	return m
}

var auditParams = withPage(
	param{"user", "string", "only changes by this user"},
	param{"action", "string", "only this action (create, update, delete, apply, package, deploy, rollback, undeploy, sign-in, revoke)"},
	param{"kind", "string", "only changes to this kind (api, process, connection, proxy, environment, package, user, consumer, token, consumer-token)"},
	param{"name", "string", "only changes to this name"},
	param{"since", "string", "at or after this RFC 3339 time"},
	param{"until", "string", "before this RFC 3339 time"},
)

func (s *Server) listAudit(c *call) (*reply, error) {
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	f := store.AuditFilter{User: q.Get("user"), Action: q.Get("action"), Kind: q.Get("kind"), Name: q.Get("name")}
	if f.Since, err = timeParam(c.r, "since"); err != nil {
		return nil, err
	}
	if f.Until, err = timeParam(c.r, "until"); err != nil {
		return nil, err
	}
	items, next, err := s.store.ListAudit(c.r.Context(), f, page)
	if err != nil {
		return nil, err
	}
	return okList(items, next)
}
