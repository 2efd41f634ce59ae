package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/secret"
	"github.com/portico-dev/portico/internal/store"
)

// applyDoc is the body of POST /apply as documented.
type applyDoc struct {
	Components   []model.Component   `json:"components,omitempty"`
	Environments []model.Environment `json:"environments,omitempty"`
	Users        []model.ConsumerDoc `json:"users,omitempty"` // API users (kind: User)
	DryRun       bool                `json:"dryRun,omitempty"`
}

// applyRequest is applyDoc as decoded: documents stay raw until each is
// decoded on its own, so that errors name their index.
type applyRequest struct {
	Components   []json.RawMessage `json:"components"`
	Environments []json.RawMessage `json:"environments"`
	Users        []json.RawMessage `json:"users"`
	DryRun       bool              `json:"dryRun"`
}

// applyAnswer lists what applying did (or would do, on a dry run).
type applyAnswer struct {
	Results []store.ApplyResult `json:"results"`
}

// apply validates every document before writing anything, then saves the
// components and environments in one store transaction: all or nothing.
func (s *Server) apply(c *call) (*reply, error) {
	var req applyRequest
	if err := decodeBody(c.r, &req); err != nil {
		return nil, err
	}
	if err := applyAllowed(c.caller, req); err != nil {
		return nil, err
	}
	comps, envs, err := decodeApply(req)
	if err != nil {
		return nil, err
	}
	users, err := decodeUsers(req.Users)
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	if err := s.keepSecrets(ctx, comps, func(i int) string { return fmt.Sprintf("components[%d]", i) }); err != nil {
		return nil, err
	}
	if err := s.keepEnvSecrets(ctx, envs...); err != nil {
		return nil, err
	}
	if req.DryRun {
		res, err := s.planApply(ctx, comps, envs)
		if err != nil {
			return nil, err
		}
		more, err := s.planUsers(ctx, users)
		if err != nil {
			return nil, err
		}
		return ok(applyAnswer{Results: append(res, more...)})
	}
	changes, err := s.userChanges(ctx, users)
	if err != nil {
		return nil, err
	}
	results, bumped, err := s.store.ApplyWithConsumers(ctx, comps, envs, changes, c.caller.user.Username)
	if err != nil {
		return nil, err
	}
	for _, r := range results {
		if r.Kind == store.KindEnvironment && r.Action != store.Unchanged {
			s.notifier.notify(r.Name)
		}
	}
	for _, env := range bumped {
		s.notifier.notify(env)
	}
	s.recordAudit(c, applyAudit(results, users))
	if results == nil {
		results = []store.ApplyResult{}
	}
	return ok(applyAnswer{Results: results})
}

// applyAllowed checks that the caller may write every part of an apply: an
// operator applies environments and API users without components:write. An
// apply with no document at all needs components:write, as it always did.
func applyAllowed(c *caller, req applyRequest) error {
	parts := []struct {
		present bool
		perm    model.Permission
	}{
		{len(req.Components) > 0 || (len(req.Environments) == 0 && len(req.Users) == 0), model.PermWriteComponents},
		{len(req.Environments) > 0, model.PermEnvironments},
		{len(req.Users) > 0, model.PermConsumers},
	}
	for _, p := range parts {
		if p.present && !c.allows(p.perm) {
			return forbidden(c, p.perm)
		}
	}
	return nil
}

// decodeApply decodes and validates every document, collecting all errors
// with paths such as components[3].spec.endpoints[0].path.
func decodeApply(req applyRequest) ([]*model.Component, []*model.Environment, error) {
	var all model.ValidationError
	collect := func(prefix string, err error) { appendFields(&all, prefix, err) }
	comps := make([]*model.Component, 0, len(req.Components))
	seen := map[model.Ref]int{}
	for i, raw := range req.Components {
		path := fmt.Sprintf("components[%d]", i)
		comp := &model.Component{}
		if err := decodeJSON(raw, comp, ""); err != nil {
			collect(path, err)
			continue
		}
		if err := comp.Validate(); err != nil {
			collect(path, err)
			continue
		}
		if j, dup := seen[comp.Ref()]; dup {
			collect(path, model.Invalidf("", "%s appears twice (also components[%d])", comp.Ref(), j))
			continue
		}
		seen[comp.Ref()] = i
		comps = append(comps, comp)
	}
	envs := make([]*model.Environment, 0, len(req.Environments))
	seenEnv := map[string]int{}
	for i, raw := range req.Environments {
		path := fmt.Sprintf("environments[%d]", i)
		env := &model.Environment{}
		if err := decodeJSON(raw, env, ""); err != nil {
			collect(path, err)
			continue
		}
		if err := env.Validate(); err != nil {
			collect(path, err)
			continue
		}
		if j, dup := seenEnv[env.Name]; dup {
			collect(path, model.Invalidf("name", "environment %s appears twice (also environments[%d])", env.Name, j))
			continue
		}
		seenEnv[env.Name] = i
		envs = append(envs, env)
	}
	if len(all.Fields) > 0 {
		return nil, nil, &all
	}
	return comps, envs, nil
}

// planApply computes what applying would do, writing nothing.
func (s *Server) planApply(ctx context.Context, comps []*model.Component, envs []*model.Environment) ([]store.ApplyResult, error) {
	results := []store.ApplyResult{}
	for _, comp := range comps {
		hash, err := secret.ContentHash(s.keys, comp)
		if err != nil {
			return nil, fmt.Errorf("hash %s: %w", comp.Ref(), err)
		}
		res := store.ApplyResult{Kind: comp.Kind, Name: comp.Name, Hash: hash}
		cur, err := s.store.GetComponent(ctx, comp.Ref())
		switch {
		case errors.Is(err, model.ErrNotFound):
			res.Action = store.Created
			// A deleted component applied again continues its numbers.
			revs, _, err := s.store.ListRevisions(ctx, comp.Ref(), store.Page{Limit: 1})
			if err != nil && !errors.Is(err, model.ErrNotFound) {
				return nil, err
			}
			res.Revision = 1
			if len(revs) > 0 {
				res.Revision = revs[0].Revision + 1
			}
		case err != nil:
			return nil, err
		case cur.Hash == hash || sameContent(cur, comp):
			res.Action, res.Revision, res.Hash = store.Unchanged, cur.Revision, cur.Hash
		default:
			res.Action, res.Revision = store.Updated, cur.Revision+1
		}
		results = append(results, res)
	}
	for _, env := range envs {
		res := store.ApplyResult{Kind: store.KindEnvironment, Name: env.Name}
		cur, err := s.store.GetEnvironment(ctx, env.Name)
		switch {
		case errors.Is(err, model.ErrNotFound):
			res.Action = store.Created
		case err != nil:
			return nil, err
		case cur.Description == env.Description && reflect.DeepEqual(cur.Spec, env.Spec):
			res.Action, res.Revision = store.Unchanged, int(cur.Revision)
		default:
			res.Action, res.Revision = store.Updated, int(cur.Revision)+1
		}
		results = append(results, res)
	}
	return results, nil
}

// sameContent reports whether two components have equal canonical content;
// a store's hash made under an earlier key differs for equal secrets.
func sameContent(a, b *model.Component) bool {
	ja, errA := a.CanonicalJSON()
	jb, errB := b.CanonicalJSON()
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// decodeUsers decodes and validates the API users of an apply, with paths
// such as users[1].spec.ipFilter.cidrs[0].
func decodeUsers(raws []json.RawMessage) ([]*model.ConsumerDoc, error) {
	var all model.ValidationError
	docs := make([]*model.ConsumerDoc, 0, len(raws))
	seen := map[string]int{}
	for i, raw := range raws {
		path := fmt.Sprintf("users[%d]", i)
		doc := &model.ConsumerDoc{}
		if err := decodeJSON(raw, doc, ""); err != nil {
			appendFields(&all, path, err)
			continue
		}
		if err := validateConsumerDoc(doc); err != nil {
			appendFields(&all, path, err)
			continue
		}
		if j, dup := seen[doc.Name]; dup {
			appendFields(&all, path, model.Invalidf("name", "user %s appears twice (also users[%d])", doc.Name, j))
			continue
		}
		seen[doc.Name] = i
		docs = append(docs, doc)
	}
	if len(all.Fields) > 0 {
		return nil, &all
	}
	return docs, nil
}

// userChanges turns API user documents into store changes, hashing their
// passwords before the write transaction starts.
func (s *Server) userChanges(ctx context.Context, docs []*model.ConsumerDoc) ([]store.NamedConsumerChange, error) {
	out := make([]store.NamedConsumerChange, len(docs))
	for i, doc := range docs {
		ch, err := s.consumerChange(ctx, doc, false, false, "", nil)
		if err != nil {
			return nil, err
		}
		out[i] = store.NamedConsumerChange{Name: doc.Name, Change: ch}
	}
	return out, nil
}

// planUsers says what applying API users would do, writing nothing.
func (s *Server) planUsers(ctx context.Context, docs []*model.ConsumerDoc) ([]store.ApplyResult, error) {
	changes, err := s.userChanges(ctx, docs)
	if err != nil {
		return nil, err
	}
	var out []store.ApplyResult
	for _, ch := range changes {
		res := store.ApplyResult{Kind: store.KindConsumer, Name: ch.Name, Action: store.Created}
		cur, err := s.store.GetConsumer(ctx, ch.Name)
		switch {
		case errors.Is(err, model.ErrNotFound):
			cur = nil
		case err != nil:
			return nil, err
		}
		next, err := ch.Change(cur)
		if err != nil {
			return nil, err
		}
		if cur != nil {
			res.Action = store.Updated
			a, b := *cur, *next
			a.CreatedAt, a.UpdatedAt, b.CreatedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if reflect.DeepEqual(a, b) {
				res.Action = store.Unchanged
			}
		}
		out = append(out, res)
	}
	return out, nil
}

// applyAudit lists what an apply changed, one entry per saved document;
// users' entries say which credentials the document set, never their values.
func applyAudit(results []store.ApplyResult, users []*model.ConsumerDoc) []*model.AuditEntry {
	byName := map[string]*model.ConsumerDoc{}
	for _, u := range users {
		byName[u.Name] = u
	}
	var out []*model.AuditEntry
	for _, r := range results {
		if r.Action == store.Unchanged {
			continue
		}
		e := &model.AuditEntry{Action: model.AuditApply, Kind: string(r.Kind), Name: r.Name, Details: detail("result", string(r.Action))}
		switch r.Kind {
		case store.KindConsumer:
			e.Kind = model.AuditKindConsumer
			if u := byName[r.Name]; u != nil {
				maps.Copy(e.Details, credentialDetails(u, false, false))
			}
		case store.KindEnvironment:
		default:
			e.Details["revision"] = strconv.Itoa(r.Revision)
		}
		out = append(out, e)
	}
	return out
}
