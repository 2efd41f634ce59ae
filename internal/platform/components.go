package platform

import (
	"fmt"
	"strconv"

	"github.com/portico-dev/portico/internal/model"
)

func (s *Server) listComponents(c *call) (*reply, error) {
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	var kind model.Kind
	if k := c.r.URL.Query().Get("kind"); k != "" {
		if kind, err = model.ParseKind(k); err != nil {
			return nil, model.Invalidf("kind", "unknown component kind %q (want connection, process, api or proxy)", k)
		}
	}
	items, next, err := s.store.ListComponents(c.r.Context(), kind, page)
	if err != nil {
		return nil, err
	}
	return okList(redacted(items...), next)
}

func (s *Server) getComponent(c *call) (*reply, error) {
	ref, err := pathRef(c.r)
	if err != nil {
		return nil, err
	}
	comp, err := s.store.GetComponent(c.r.Context(), ref)
	if err != nil {
		return nil, err
	}
	return ok(redacted(comp)[0])
}

// putComponent applies one component; its kind and name must be the path's.
func (s *Server) putComponent(c *call) (*reply, error) {
	ref, err := pathRef(c.r)
	if err != nil {
		return nil, err
	}
	var comp model.Component
	if err := decodeBody(c.r, &comp); err != nil {
		return nil, err
	}
	if comp.Kind != ref.Kind || comp.Name != ref.Name {
		return nil, model.Invalidf("", "the body is %s, the path names %s", comp.Ref(), ref)
	}
	if err := comp.Validate(); err != nil {
		return nil, err
	}
	if err := s.keepSecrets(c.r.Context(), []*model.Component{&comp}, func(int) string { return "" }); err != nil {
		return nil, err
	}
	s.audit(c, "", model.AuditApply, string(ref.Kind), ref.Name, nil)
	res, err := s.store.ApplyComponents(c.r.Context(), []*model.Component{&comp}, c.caller.user.Username)
	if err != nil {
		return nil, err
	}
	if len(res) != 1 {
		return nil, fmt.Errorf("apply %s: the store answered %d results for one component", ref, len(res))
	}
	return ok(res[0])
}

func (s *Server) deleteComponent(c *call) (*reply, error) {
	ref, err := pathRef(c.r)
	if err != nil {
		return nil, err
	}
	s.audit(c, "", model.AuditDelete, string(ref.Kind), ref.Name, nil)
	if err := s.store.DeleteComponent(c.r.Context(), ref, c.caller.user.Username); err != nil {
		return nil, err
	}
	return noContent()
}

func (s *Server) listRevisions(c *call) (*reply, error) {
	ref, err := pathRef(c.r)
	if err != nil {
		return nil, err
	}
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.store.ListRevisions(c.r.Context(), ref, page)
	if err != nil {
		return nil, err
	}
	return okList(redacted(items...), next)
}

func (s *Server) getRevision(c *call) (*reply, error) {
	ref, err := pathRef(c.r)
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(c.r.PathValue("n"))
	if err != nil || n < 1 {
		return nil, model.Invalidf("n", "%q is not a revision number", c.r.PathValue("n"))
	}
	comp, err := s.store.GetRevision(c.r.Context(), ref, n)
	if err != nil {
		return nil, err
	}
	return ok(redacted(comp)[0])
}
