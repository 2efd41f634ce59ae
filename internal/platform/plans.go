package platform

import (
	"errors"
	"net/http"
	"reflect"
	"strconv"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// KindPlan and KindApplication name plans and applications in apply
// results, as environments are named.
const (
	KindPlan         model.Kind = "plan"
	KindApplication  model.Kind = "application"
	KindSubscription model.Kind = "subscription"
)

// notifyAll wakes every snapshot waiter: plans and applications are global,
// so their changes reach every environment.
func (n *notifier) notifyAll() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for env, ch := range n.chans {
		close(ch)
		delete(n.chans, env)
	}
}

// dryRun reads ?dryRun=true.
func dryRun(r *http.Request) (bool, error) {
	s := r.URL.Query().Get("dryRun")
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, model.Invalidf("dryRun", "%q is not true or false", s)
	}
	return b, nil
}

// putGlobal is the end of a PUT of a plan or an application, which are
// global. With ?dryRun=true it only says what put would do: created when
// the stored one is not found, unchanged when unchanged reports so. Else it
// puts, and wakes every snapshot waiter when something changed.
func (s *Server) putGlobal(c *call, res store.ApplyResult, unchanged func() (bool, error), put func() (store.ApplyAction, error)) (*reply, error) {
	dry, err := dryRun(c.r)
	if err != nil {
		return nil, err
	}
	if dry {
		same, err := unchanged()
		switch {
		case errors.Is(err, model.ErrNotFound):
			res.Action = store.Created
		case err != nil:
			return nil, err
		case same:
			res.Action = store.Unchanged
		default:
			res.Action = store.Updated
		}
		return ok(res)
	}
	if res.Action, err = put(); err != nil {
		return nil, err
	}
	if res.Action != store.Unchanged {
		s.notifier.notifyAll()
	}
	return ok(res)
}

func (s *Server) listPlans(c *call) (*reply, error) {
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.store.ListPlans(c.r.Context(), page)
	if err != nil {
		return nil, err
	}
	return okList(items, next)
}

func (s *Server) getPlan(c *call) (*reply, error) {
	p, err := s.store.GetPlan(c.r.Context(), c.r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	return ok(p)
}

// decodePlan reads and validates a plan body; name, when given, is the
// path's and the body must agree (or leave it out).
func decodePlan(c *call, name string) (*model.Plan, error) {
	var p model.Plan
	if err := decodeBody(c.r, &p); err != nil {
		return nil, err
	}
	if err := takePathName(&p.Name, name); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

func (s *Server) createPlan(c *call) (*reply, error) {
	p, err := decodePlan(c, "")
	if err != nil {
		return nil, err
	}
	saved, _, err := s.store.PutPlan(c.r.Context(), p, true)
	if err != nil {
		return nil, err
	}
	s.notifier.notifyAll()
	return created(saved)
}

// putPlan creates or updates a plan and says what it did; with ?dryRun=true
// it only says what it would do.
func (s *Server) putPlan(c *call) (*reply, error) {
	p, err := decodePlan(c, c.r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	ctx := c.r.Context()
	return s.putGlobal(c, store.ApplyResult{Kind: KindPlan, Name: p.Name},
		func() (bool, error) {
			cur, err := s.store.GetPlan(ctx, p.Name)
			if err != nil {
				return false, err
			}
			p.Spec.Status = activeIfEmpty(p.Spec.Status)
			return cur.Description == p.Description && reflect.DeepEqual(cur.Spec, p.Spec), nil
		},
		func() (store.ApplyAction, error) {
			_, action, err := s.store.PutPlan(ctx, p, false)
			return action, err
		})
}

func (s *Server) deletePlan(c *call) (*reply, error) {
	if err := s.store.DeletePlan(c.r.Context(), c.r.PathValue("name")); err != nil {
		return nil, err
	}
	s.notifier.notifyAll()
	return noContent()
}

func activeIfEmpty(st model.Status) model.Status {
	if st == "" {
		return model.StatusActive
	}
	return st
}
