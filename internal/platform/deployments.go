package platform

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// deployRequest names a package by id, or by root component and version
// (no version: the root's package created last, by the store's creation
// sequence; version labels are not compared).
type deployRequest struct {
	Environment string     `json:"environment"`
	PackageID   string     `json:"packageId,omitempty"`
	Component   *model.Ref `json:"component,omitempty"`
	Version     string     `json:"version,omitempty"`
}

// rollbackRequest is the body of POST /deployments/rollback.
type rollbackRequest struct {
	Environment string    `json:"environment"`
	Component   model.Ref `json:"component"`
	ToVersion   string    `json:"toVersion,omitempty"`
	APIVersion  string    `json:"apiVersion,omitempty"`
}

// undeployRequest is the body of POST /deployments/undeploy.
type undeployRequest struct {
	Environment string    `json:"environment"`
	Component   model.Ref `json:"component"`
	APIVersion  string    `json:"apiVersion,omitempty"`
}

func (s *Server) listDeployments(c *call) (*reply, error) {
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	f := store.DeploymentFilter{Environment: q.Get("environment")}
	if f.Component, err = refParam(c.r, "component"); err != nil {
		return nil, err
	}
	if h := q.Get("history"); h != "" {
		if f.History, err = strconv.ParseBool(h); err != nil {
			return nil, model.Invalidf("history", "%q is not true or false", h)
		}
	}
	items, next, err := s.store.ListDeployments(c.r.Context(), f, page)
	if err != nil {
		return nil, err
	}
	return okList(items, next)
}

func checkEnvName(name string) error {
	if !model.ValidName(name) {
		return model.Invalidf("environment", "%q is not a valid environment name", name)
	}
	return nil
}

func (s *Server) deploy(c *call) (*reply, error) {
	var req deployRequest
	if err := decodeBody(c.r, &req); err != nil {
		return nil, err
	}
	if err := checkEnvName(req.Environment); err != nil {
		return nil, err
	}
	id, err := s.resolvePackage(c.r.Context(), req)
	if err != nil {
		return nil, err
	}
	s.audit(c, "", model.AuditDeploy, model.AuditKindEnvironment, req.Environment, deployDetails(req, id))
	ctx := c.r.Context()
	d, changed, err := s.store.Deploy(ctx, req.Environment, id, c.caller.user.Username)
	if err != nil {
		return nil, err
	}
	if !changed {
		dropAudit(c) // the package was active already: nothing changed
		return ok(d)
	}
	s.notifier.notify(req.Environment)
	return created(d)
}

// resolvePackage finds the package a deploy request names.
func (s *Server) resolvePackage(ctx context.Context, req deployRequest) (string, error) {
	switch {
	case req.PackageID != "" && (req.Component != nil || req.Version != ""):
		return "", model.Invalidf("packageId", "name the package by packageId or by component and version, not both")
	case req.PackageID != "":
		return req.PackageID, nil
	case req.Component == nil:
		return "", model.Invalidf("component", "is required (or packageId)")
	}
	root, err := normalizeRef(*req.Component, "component")
	if err != nil {
		return "", err
	}
	if req.Version != "" {
		pkg, err := s.store.FindPackage(ctx, root, req.Version)
		if err != nil {
			return "", fmt.Errorf("package %s@%s: %w", root, req.Version, err)
		}
		return pkg.ID, nil
	}
	// ListPackages is newest first by creation sequence.
	pkgs, _, err := s.store.ListPackages(ctx, &root, store.Page{Limit: 1})
	if err != nil {
		return "", err
	}
	if len(pkgs) == 0 {
		return "", fmt.Errorf("%w: %s has no package (create one first)", model.ErrNotFound, root)
	}
	return pkgs[0].ID, nil
}

func (s *Server) rollback(c *call) (*reply, error) {
	var req rollbackRequest
	if err := decodeBody(c.r, &req); err != nil {
		return nil, err
	}
	if err := checkEnvName(req.Environment); err != nil {
		return nil, err
	}
	root, err := normalizeRef(req.Component, "component")
	if err != nil {
		return nil, err
	}
	s.audit(c, "", model.AuditRollback, model.AuditKindEnvironment, req.Environment, detail("component", root.String(), "toVersion", req.ToVersion, "apiVersion", req.APIVersion))
	d, err := s.store.Rollback(c.r.Context(), req.Environment, root, req.ToVersion, req.APIVersion, c.caller.user.Username)
	if err != nil {
		return nil, err
	}
	s.notifier.notify(req.Environment)
	return created(d)
}

func (s *Server) undeploy(c *call) (*reply, error) {
	var req undeployRequest
	if err := decodeBody(c.r, &req); err != nil {
		return nil, err
	}
	if err := checkEnvName(req.Environment); err != nil {
		return nil, err
	}
	root, err := normalizeRef(req.Component, "component")
	if err != nil {
		return nil, err
	}
	s.audit(c, "", model.AuditUndeploy, model.AuditKindEnvironment, req.Environment, detail("component", root.String(), "apiVersion", req.APIVersion))
	ds, err := s.store.Undeploy(c.r.Context(), req.Environment, root, req.APIVersion, c.caller.user.Username)
	if err != nil {
		return nil, err
	}
	s.notifier.notify(req.Environment)
	if ds == nil {
		ds = []*model.Deployment{}
	}
	return &reply{status: http.StatusOK, body: list[*model.Deployment]{Items: ds}}, nil
}

// deployDetails names what a deploy request deploys, for the audit log.
func deployDetails(req deployRequest, id string) map[string]string {
	comp := ""
	if req.Component != nil {
		comp = req.Component.String()
	}
	return detail("packageId", id, "component", comp, "version", req.Version)
}
