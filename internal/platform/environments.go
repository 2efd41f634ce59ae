package platform

import (
	"github.com/portico-dev/portico/internal/model"
)

func (s *Server) listEnvironments(c *call) (*reply, error) {
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.store.ListEnvironments(c.r.Context(), page)
	if err != nil {
		return nil, err
	}
	for i, env := range items {
		items[i] = redactEnv(env)
	}
	return okList(items, next)
}

func (s *Server) getEnvironment(c *call) (*reply, error) {
	env, err := s.store.GetEnvironment(c.r.Context(), c.r.PathValue("env"))
	if err != nil {
		return nil, err
	}
	return ok(redactEnv(env))
}

// decodeEnvironment reads and validates an environment body; name, when
// given, is the path's and the body must agree (or leave it out).
func decodeEnvironment(c *call, name string) (*model.Environment, error) {
	var env model.Environment
	if err := decodeBody(c.r, &env); err != nil {
		return nil, err
	}
	if err := takePathName(&env.Name, name); err != nil {
		return nil, err
	}
	if err := env.Validate(); err != nil {
		return nil, err
	}
	return &env, nil
}

func (s *Server) createEnvironment(c *call) (*reply, error) {
	env, err := decodeEnvironment(c, "")
	if err != nil {
		return nil, err
	}
	if err := s.keepEnvSecrets(c.r.Context(), env); err != nil {
		return nil, err
	}
	s.audit(c, "", model.AuditCreate, model.AuditKindEnvironment, env.Name, nil)
	saved, err := s.store.CreateEnvironment(c.r.Context(), env)
	if err != nil {
		return nil, err
	}
	s.notifier.notify(saved.Name)
	return created(redactEnv(saved))
}

func (s *Server) putEnvironment(c *call) (*reply, error) {
	env, err := decodeEnvironment(c, c.r.PathValue("env"))
	if err != nil {
		return nil, err
	}
	if err := s.keepEnvSecrets(c.r.Context(), env); err != nil {
		return nil, err
	}
	s.audit(c, "", model.AuditUpdate, model.AuditKindEnvironment, env.Name, nil)
	saved, changed, err := s.store.PutEnvironment(c.r.Context(), env)
	if err != nil {
		return nil, err
	}
	if changed {
		s.notifier.notify(saved.Name)
	}
	return ok(redactEnv(saved))
}

func (s *Server) deleteEnvironment(c *call) (*reply, error) {
	name := c.r.PathValue("env")
	s.audit(c, "", model.AuditDelete, model.AuditKindEnvironment, name, nil)
	if err := s.store.DeleteEnvironment(c.r.Context(), name); err != nil {
		return nil, err
	}
	s.notifier.notify(name)
	return noContent()
}
