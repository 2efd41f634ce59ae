package platform

import (
	"github.com/portico-dev/portico/internal/model"
)

// packageRequest is the body of POST /packages.
type packageRequest struct {
	Component model.Ref `json:"component"`
	Version   string    `json:"version"`
	Notes     string    `json:"notes,omitempty"`
}

func (s *Server) listPackages(c *call) (*reply, error) {
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	root, err := refParam(c.r, "component")
	if err != nil {
		return nil, err
	}
	items, next, err := s.store.ListPackages(c.r.Context(), root, page)
	if err != nil {
		return nil, err
	}
	return okList(items, next)
}

func (s *Server) createPackage(c *call) (*reply, error) {
	var req packageRequest
	if err := decodeBody(c.r, &req); err != nil {
		return nil, err
	}
	if k, err := model.ParseKind(string(req.Component.Kind)); err == nil {
		req.Component.Kind = k
	}
	if err := model.ValidatePackageRequest(req.Component, req.Version, req.Notes); err != nil {
		return nil, err
	}
	s.audit(c, "", model.AuditPackage, string(req.Component.Kind), req.Component.Name, detail("version", req.Version))
	pkg, err := s.store.CreatePackage(c.r.Context(), req.Component, req.Version, req.Notes, c.caller.user.Username)
	if err != nil {
		return nil, err
	}
	return created(pkg)
}

func (s *Server) getPackage(c *call) (*reply, error) {
	pkg, err := s.store.GetPackage(c.r.Context(), c.r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return ok(pkg)
}

func (s *Server) deletePackage(c *call) (*reply, error) {
	s.audit(c, "", model.AuditDelete, model.AuditKindPackage, c.r.PathValue("id"), nil)
	if err := s.store.DeletePackage(c.r.Context(), c.r.PathValue("id")); err != nil {
		return nil, err
	}
	return noContent()
}
