package platform

import (
	"crypto/rand"
	"encoding/base32"
	"slices"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// keyPrefixLen is how much of a clear key is kept to recognise it by:
// "pk_" and 8 characters.
const keyPrefixLen = 11

// keyEncoding writes API keys in lower-case base32: no characters that
// need escaping in a header, a URL or a shell.
var keyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newAPIKey returns a clear API key: "pk_" and 32 random bytes.
func newAPIKey() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "pk_" + keyEncoding.EncodeToString(b[:]), nil
}

// keyRequest is the body of POST /applications/{name}/keys (optional).
type keyRequest struct {
	ExpiresAt *time.Time   `json:"expiresAt,omitempty"`
	Status    model.Status `json:"status,omitempty"`
}

// newKeyAnswer carries the clear key: the only time it is shown. Its
// fields are spelled out (not an embedded model.APIKey) so that the
// generated OpenAPI schema lists them.
type newKeyAnswer struct {
	Key       string       `json:"key"`
	ID        string       `json:"id"`
	Prefix    string       `json:"prefix"`
	Status    model.Status `json:"status"`
	ExpiresAt *time.Time   `json:"expiresAt,omitempty"`
	CreatedAt time.Time    `json:"createdAt"`
}

// withoutHashes returns a with its keys' hashes removed: they only travel in
// snapshots, to runtimes.
func withoutHashes(a *model.Application) *model.Application {
	out := *a
	out.Keys = slices.Clone(a.Keys)
	for i := range out.Keys {
		out.Keys[i].Hash = ""
	}
	return &out
}

func (s *Server) listApplications(c *call) (*reply, error) {
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.store.ListApplications(c.r.Context(), page)
	if err != nil {
		return nil, err
	}
	for i, a := range items {
		items[i] = withoutHashes(a)
	}
	return okList(items, next)
}

func (s *Server) getApplication(c *call) (*reply, error) {
	a, err := s.store.GetApplication(c.r.Context(), c.r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	return ok(withoutHashes(a))
}

// decodeApplication reads and validates an application body; name, when
// given, is the path's and the body must agree (or leave it out).
func decodeApplication(c *call, name string) (*model.Application, error) {
	var a model.Application
	if err := decodeBody(c.r, &a); err != nil {
		return nil, err
	}
	if err := takePathName(&a.Name, name); err != nil {
		return nil, err
	}
	if len(a.Keys) > 0 {
		return nil, model.Invalidf("keys", "keys are generated with POST /api/v1/applications/%s/keys, never sent", a.Name)
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return &a, nil
}

func (s *Server) createApplication(c *call) (*reply, error) {
	a, err := decodeApplication(c, "")
	if err != nil {
		return nil, err
	}
	saved, _, err := s.store.PutApplication(c.r.Context(), a, true)
	if err != nil {
		return nil, err
	}
	s.notifier.notifyAll()
	return created(withoutHashes(saved))
}

// putApplication creates or updates an application (its keys stay) and
// says what it did; with ?dryRun=true it only says what it would do.
func (s *Server) putApplication(c *call) (*reply, error) {
	a, err := decodeApplication(c, c.r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	return s.putGlobal(c, store.ApplyResult{Kind: KindApplication, Name: a.Name},
		func() (bool, error) {
			cur, err := s.store.GetApplication(ctx, a.Name)
			if err != nil {
				return false, err
			}
			a.Spec.Status = activeIfEmpty(a.Spec.Status)
			return cur.Description == a.Description && cur.Spec.Owner == a.Spec.Owner && cur.Spec.Contact == a.Spec.Contact &&
				cur.Spec.Status == a.Spec.Status && slices.Equal(cur.Spec.Subscriptions, a.Spec.Subscriptions), nil
		},
		func() (store.ApplyAction, error) {
			_, action, err := s.store.PutApplication(ctx, a, false)
			return action, err
		})
}

func (s *Server) deleteApplication(c *call) (*reply, error) {
	if err := s.store.DeleteApplication(c.r.Context(), c.r.PathValue("name")); err != nil {
		return nil, err
	}
	s.notifier.notifyAll()
	return noContent()
}

func (s *Server) listKeys(c *call) (*reply, error) {
	a, err := s.store.GetApplication(c.r.Context(), c.r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	return okList(withoutHashes(a).Keys, "")
}

// createKey generates a key, stores its hash and answers the clear key,
// which is never shown again.
func (s *Server) createKey(c *call) (*reply, error) {
	var req keyRequest
	if c.r.ContentLength != 0 {
		if err := decodeBody(c.r, &req); err != nil {
			return nil, err
		}
	}
	if req.Status != "" && req.Status != model.StatusActive && req.Status != model.StatusDisabled {
		return nil, model.Invalidf("status", "%q is not a status (want active or disabled)", req.Status)
	}
	now := s.now()
	if req.ExpiresAt != nil && !req.ExpiresAt.After(now) {
		return nil, model.Invalidf("expiresAt", "%s is not in the future", req.ExpiresAt.Format(time.RFC3339))
	}
	clear, err := newAPIKey()
	if err != nil {
		return nil, err
	}
	k := &model.APIKey{Prefix: clear[:keyPrefixLen], Hash: model.HashAPIKey(clear), Status: req.Status, ExpiresAt: req.ExpiresAt, CreatedAt: now}
	if err := s.store.CreateAPIKey(c.r.Context(), c.r.PathValue("name"), k); err != nil {
		return nil, err
	}
	s.notifier.notifyAll()
	return created(newKeyAnswer{Key: clear, ID: k.ID, Prefix: k.Prefix, Status: k.Status, ExpiresAt: k.ExpiresAt, CreatedAt: k.CreatedAt})
}

func (s *Server) deleteKey(c *call) (*reply, error) {
	if err := s.store.DeleteAPIKey(c.r.Context(), c.r.PathValue("name"), c.r.PathValue("id")); err != nil {
		return nil, err
	}
	s.notifier.notifyAll()
	return noContent()
}

// keyPatch is the body of PATCH /applications/{name}/keys/{id}.
type keyPatch struct {
	Status model.Status `json:"status"`
}

// patchKey disables or enables a key without revoking it.
func (s *Server) patchKey(c *call) (*reply, error) {
	var req keyPatch
	if err := decodeBody(c.r, &req); err != nil {
		return nil, err
	}
	k, err := s.store.SetAPIKeyStatus(c.r.Context(), c.r.PathValue("name"), c.r.PathValue("id"), req.Status)
	if err != nil {
		return nil, err
	}
	s.notifier.notifyAll()
	k.Hash = ""
	return ok(k)
}

func (s *Server) listSubscriptions(c *call) (*reply, error) {
	a, err := s.store.GetApplication(c.r.Context(), c.r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	return okList(a.Spec.Subscriptions, "")
}

// subscribe adds or changes the application's subscription to an API: 201
// when new, 200 when its plan changed or it was already so.
func (s *Server) subscribe(c *call) (*reply, error) {
	var sub model.Subscription
	if err := decodeBody(c.r, &sub); err != nil {
		return nil, err
	}
	if err := sub.Validate(); err != nil {
		return nil, err
	}
	app := c.r.PathValue("name")
	action, err := s.store.Subscribe(c.r.Context(), app, sub)
	if err != nil {
		return nil, err
	}
	res := store.ApplyResult{Kind: KindSubscription, Name: app + "/" + strings.ReplaceAll(sub.Target(), " ", "@"), Action: action}
	if action == store.Unchanged {
		return ok(res)
	}
	s.notifier.notifyAll()
	if action == store.Created {
		return created(res)
	}
	return ok(res)
}

func (s *Server) unsubscribe(c *call) (*reply, error) {
	err := s.store.Unsubscribe(c.r.Context(), c.r.PathValue("name"), c.r.PathValue("api"), c.r.URL.Query().Get("version"))
	if err != nil {
		return nil, err
	}
	s.notifier.notifyAll()
	return noContent()
}
