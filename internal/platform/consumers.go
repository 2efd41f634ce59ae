package platform

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// consumerTokenPrefix marks the generated tokens (API keys) of API users,
// so that a leaked one is recognised and told apart from platform tokens.
const consumerTokenPrefix = "pak_"

// consumerRequest is the body of POST and PUT /consumers: the document and,
// on request, a token to generate and show once.
type consumerRequest struct {
	model.ConsumerDoc
	GenerateToken bool `json:"generateToken,omitempty"`
	// RemovePassword takes the password away (a document that leaves the
	// password out keeps it).
	RemovePassword bool `json:"removePassword,omitempty"`
}

func (s *Server) listConsumers(c *call) (*reply, error) {
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.store.ListConsumers(c.r.Context(), store.ConsumerFilter{Environment: c.r.URL.Query().Get("environment")}, page)
	if err != nil {
		return nil, err
	}
	views := make([]model.ConsumerView, len(items))
	for i, it := range items {
		views[i] = model.ViewOf(it)
	}
	return okList(views, next)
}

func (s *Server) getConsumer(c *call) (*reply, error) {
	cons, err := s.store.GetConsumer(c.r.Context(), c.r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	return ok(model.ViewOf(cons))
}

// decodeConsumer reads and validates a consumer body; name, when given, is
// the path's and the body must agree (or leave it out).
func decodeConsumer(c *call, name string) (*consumerRequest, error) {
	var req consumerRequest
	if err := decodeBody(c.r, &req); err != nil {
		return nil, err
	}
	if err := takePathName(&req.Name, name); err != nil {
		return nil, err
	}
	if err := validateConsumerDoc(&req.ConsumerDoc); err != nil {
		return nil, err
	}
	if req.RemovePassword && req.Spec.Password != nil {
		return nil, model.Invalidf("removePassword", "give a new password or remove it, not both")
	}
	return &req, nil
}

// validateConsumerDoc checks a document, its password's strength included.
func validateConsumerDoc(doc *model.ConsumerDoc) error {
	var ve model.ValidationError
	appendFields(&ve, "", doc.Validate())
	if doc.Spec.Password != nil {
		appendFields(&ve, "", checkPassword("spec.password", *doc.Spec.Password))
	}
	if len(ve.Fields) > 0 {
		return &ve
	}
	return nil
}

// consumerChange returns the store change that makes a consumer what doc
// says. Credentials the document leaves out keep their stored values; a
// password equal to the stored one keeps its hash, so applying the same
// file twice changes nothing. create refuses an existing consumer. A
// token hash, when given, is added. The audit entry's action follows what
// the change finds.
func (s *Server) consumerChange(ctx context.Context, doc *model.ConsumerDoc, create, removePassword bool, addToken string, entry *model.AuditEntry) (store.ConsumerChange, error) {
	var fresh string
	if doc.Spec.Password != nil {
		var err error
		if fresh, err = hashPassword(*doc.Spec.Password, s.pw); err != nil {
			return nil, err
		}
	}
	return func(cur *model.Consumer) (*model.Consumer, error) {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if create && cur != nil {
			return nil, fmt.Errorf("%w: consumer %q exists (PUT changes it)", model.ErrConflict, doc.Name)
		}
		next := doc.Consumer()
		if cur != nil && !removePassword {
			next.PasswordHash = cur.PasswordHash
		}
		if cur != nil && doc.Spec.TokenHashes == nil {
			next.TokenHashes = slices.Clone(cur.TokenHashes)
		}
		if doc.Spec.Password != nil {
			if same, _ := verifyPassword(*doc.Spec.Password, next.PasswordHash); !same {
				next.PasswordHash = fresh
			}
		}
		if addToken != "" {
			next.TokenHashes = append(next.TokenHashes, addToken)
		}
		if entry != nil {
			entry.Action = model.AuditUpdate
			if cur == nil {
				entry.Action = model.AuditCreate
			}
		}
		return next, nil
	}, nil
}

// newConsumerToken returns a clear consumer token and its stored hash.
func newConsumerToken() (clear, hash string) {
	clear = consumerTokenPrefix + randomString(32)
	return clear, hashToken(clear)
}

// saveConsumer runs a consumer change, recording it in the audit log and
// waking the runtimes of the environments it touched.
func (s *Server) saveConsumer(c *call, name string, change func(entry *model.AuditEntry) (store.ConsumerChange, error), details map[string]string) (*store.ConsumerResult, error) {
	s.audit(c, "", model.AuditUpdate, model.AuditKindConsumer, name, details)
	entry := store.AuditOf(c.r.Context()).Entries[0]
	ch, err := change(entry)
	if err != nil {
		return nil, err
	}
	res, err := s.store.ChangeConsumer(c.r.Context(), name, ch)
	if err != nil {
		return nil, err
	}
	for _, env := range res.Environments {
		s.notifier.notify(env)
	}
	return res, nil
}

// credentialDetails says which credentials a document sets, never their values.
func credentialDetails(doc *model.ConsumerDoc, generated, removed bool) map[string]string {
	d := map[string]string{}
	switch {
	case doc.Spec.Password != nil:
		d["password"] = "set"
	case removed:
		d["password"] = "removed"
	}
	if doc.Spec.TokenHashes != nil {
		d["tokens"] = "replaced"
	}
	if generated {
		d["token"] = "generated"
	}
	if len(d) == 0 {
		return nil
	}
	return d
}

func (s *Server) createConsumer(c *call) (*reply, error) {
	req, err := decodeConsumer(c, "")
	if err != nil {
		return nil, err
	}
	return s.writeConsumer(c, req, true)
}

func (s *Server) putConsumer(c *call) (*reply, error) {
	req, err := decodeConsumer(c, c.r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	return s.writeConsumer(c, req, false)
}

func (s *Server) writeConsumer(c *call, req *consumerRequest, create bool) (*reply, error) {
	var clear, hash string
	if req.GenerateToken {
		clear, hash = newConsumerToken()
	}
	res, err := s.saveConsumer(c, req.Name, func(entry *model.AuditEntry) (store.ConsumerChange, error) {
		return s.consumerChange(c.r.Context(), &req.ConsumerDoc, create, req.RemovePassword, hash, entry)
	}, credentialDetails(&req.ConsumerDoc, req.GenerateToken, req.RemovePassword))
	if err != nil {
		return nil, err
	}
	v := model.ViewOf(res.Consumer)
	v.Token = clear
	if res.Action == store.Created {
		return created(v)
	}
	return ok(v)
}

func (s *Server) deleteConsumer(c *call) (*reply, error) {
	name := c.r.PathValue("name")
	s.audit(c, "", model.AuditDelete, model.AuditKindConsumer, name, nil)
	envs, err := s.store.DeleteConsumer(c.r.Context(), name)
	if err != nil {
		return nil, err
	}
	for _, env := range envs {
		s.notifier.notify(env)
	}
	return noContent()
}

// createConsumerToken generates a token for a consumer and shows it once.
func (s *Server) createConsumerToken(c *call) (*reply, error) {
	name := c.r.PathValue("name")
	clear, hash := newConsumerToken()
	res, err := s.saveConsumer(c, name, func(entry *model.AuditEntry) (store.ConsumerChange, error) {
		entry.Action, entry.Kind = model.AuditCreate, model.AuditKindConsumerKey
		entry.Details = detail("consumer", name, "id", model.TokenID(hash))
		return func(cur *model.Consumer) (*model.Consumer, error) {
			if cur == nil {
				return nil, fmt.Errorf("%w: consumer %q", model.ErrNotFound, name)
			}
			next := *cur
			next.TokenHashes = append(slices.Clone(cur.TokenHashes), hash)
			return &next, nil
		}, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	v := model.ViewOf(res.Consumer)
	v.Token = clear
	return &reply{status: http.StatusCreated, body: v}, nil
}

// deleteConsumerToken revokes the consumer's token whose id is given.
func (s *Server) deleteConsumerToken(c *call) (*reply, error) {
	name, id := c.r.PathValue("name"), c.r.PathValue("id")
	_, err := s.saveConsumer(c, name, func(entry *model.AuditEntry) (store.ConsumerChange, error) {
		entry.Action, entry.Kind, entry.Details = model.AuditRevoke, model.AuditKindConsumerKey, detail("consumer", name, "id", id)
		return func(cur *model.Consumer) (*model.Consumer, error) {
			if cur == nil {
				return nil, fmt.Errorf("%w: consumer %q", model.ErrNotFound, name)
			}
			next := *cur
			next.TokenHashes = slices.DeleteFunc(slices.Clone(cur.TokenHashes), func(h string) bool { return model.TokenID(h) == id })
			if len(next.TokenHashes) == len(cur.TokenHashes) {
				return nil, fmt.Errorf("%w: consumer %s has no token %q", model.ErrNotFound, name, id)
			}
			return &next, nil
		}, nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return noContent()
}
