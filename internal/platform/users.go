package platform

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/internal/model"
)

// userRequest is the body of POST /users.
type userRequest struct {
	Username string     `json:"username"`
	Role     model.Role `json:"role"`
	Password string     `json:"password"`
}

// userPatch changes what it sets.
type userPatch struct {
	Role     *model.Role `json:"role,omitempty"`
	Password *string     `json:"password,omitempty"`
	Disabled *bool       `json:"disabled,omitempty"`
}

func (s *Server) listUsers(c *call) (*reply, error) {
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.store.ListUsers(c.r.Context(), page)
	if err != nil {
		return nil, err
	}
	return okList(items, next)
}

func (s *Server) createUser(c *call) (*reply, error) {
	var req userRequest
	if err := decodeBody(c.r, &req); err != nil {
		return nil, err
	}
	u := &model.User{Username: req.Username, Role: req.Role}
	var ve model.ValidationError
	appendFields(&ve, "", u.Validate())
	appendFields(&ve, "", checkPassword("password", req.Password))
	if len(ve.Fields) > 0 {
		return nil, &ve
	}
	hash, err := hashPassword(req.Password, s.pw)
	if err != nil {
		return nil, err
	}
	now := s.now()
	u.PasswordHash, u.CreatedAt, u.UpdatedAt = hash, now, now
	s.audit(c, "", model.AuditCreate, model.AuditKindUser, u.Username, detail("role", string(u.Role)))
	if err := s.store.CreateUser(c.r.Context(), u); err != nil {
		return nil, err
	}
	return s.userReply(c.r.Context(), u.Username, true)
}

func (s *Server) userReply(ctx context.Context, username string, isNew bool) (*reply, error) {
	u, err := s.store.GetUser(ctx, username)
	if err != nil {
		return nil, err
	}
	if isNew {
		return created(u)
	}
	return ok(u)
}

func (s *Server) getUser(c *call) (*reply, error) {
	return s.userReply(c.r.Context(), c.r.PathValue("username"), false)
}

// patchUser changes a user. Without users:write (route.self let the caller
// in) only one's own password may change. The store refuses to demote or
// disable the last enabled admin (409), deciding in its write transaction.
func (s *Server) patchUser(c *call) (*reply, error) {
	var req userPatch
	if err := decodeBody(c.r, &req); err != nil {
		return nil, err
	}
	if !c.caller.allows(model.PermUsers) && (req.Role != nil || req.Disabled != nil) {
		return nil, fmt.Errorf("%w: you may change your own password only", model.ErrForbidden)
	}
	s.audit(c, "", model.AuditUpdate, model.AuditKindUser, c.r.PathValue("username"), userPatchDetails(req))
	ctx := c.r.Context()
	u, err := s.store.GetUser(ctx, c.r.PathValue("username"))
	if err != nil {
		return nil, err
	}
	if req.Role != nil {
		u.Role = *req.Role
		if err := u.Validate(); err != nil {
			return nil, err
		}
	}
	if req.Disabled != nil {
		u.Disabled = *req.Disabled
	}
	u.PasswordHash = "" // the store keeps the hash unless a new one is set
	if req.Password != nil {
		if err := checkPassword("password", *req.Password); err != nil {
			return nil, err
		}
		if u.PasswordHash, err = hashPassword(*req.Password, s.pw); err != nil {
			return nil, err
		}
	}
	u.UpdatedAt = s.now()
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	return s.userReply(ctx, u.Username, false)
}

func (s *Server) deleteUser(c *call) (*reply, error) {
	s.audit(c, "", model.AuditDelete, model.AuditKindUser, c.r.PathValue("username"), nil)
	ctx := c.r.Context()
	if err := s.store.DeleteUser(ctx, c.r.PathValue("username")); err != nil {
		return nil, err
	}
	return noContent()
}

// userPatchDetails says what a patch changes, never the password itself.
func userPatchDetails(req userPatch) map[string]string {
	var role, disabled, password string
	if req.Role != nil {
		role = string(*req.Role)
	}
	if req.Disabled != nil {
		disabled = fmt.Sprint(*req.Disabled)
	}
	if req.Password != nil {
		password = "changed"
	}
	return detail("role", role, "disabled", disabled, "password", password)
}
