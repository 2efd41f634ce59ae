package platform

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// tokenRequest is either a sign-in (username, password) or, with a bearer
// token, a named token of the caller (name, role, expiresIn).
type tokenRequest struct {
	Username  string `json:"username,omitempty"`
	Password  string `json:"password,omitempty"`
	Name      string `json:"name,omitempty"`
	Role      string `json:"role,omitempty"`
	ExpiresIn string `json:"expiresIn,omitempty"` // Go duration; omitted: never expires
}

// newTokenAnswer carries a clear token, shown this once.
type newTokenAnswer struct {
	Token     string     `json:"token"`
	ID        string     `json:"id,omitempty"`
	Name      string     `json:"name,omitempty"`
	Username  string     `json:"username,omitempty"`
	Role      model.Role `json:"role"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// whoami describes the caller.
type whoami struct {
	Username string     `json:"username"`
	Role     model.Role `json:"role"`
	TokenID  string     `json:"tokenId"`
}

// sessionTokenName names the tokens that sign-in issues.
const sessionTokenName = "session"

var errBadCredentials = fmt.Errorf("%w: wrong username or password", model.ErrUnauthenticated)

func (s *Server) createToken(c *call) (*reply, error) {
	var req tokenRequest
	if err := decodeBody(c.r, &req); err != nil {
		return nil, err
	}
	if req.Username != "" || req.Password != "" {
		if req.Name != "" || req.Role != "" || req.ExpiresIn != "" {
			return nil, model.Invalidf("", "sign in with username and password, or create a named token with name, role and expiresIn; not both")
		}
		s.audit(c, req.Username, model.AuditSignIn, model.AuditKindToken, sessionTokenName, nil)
		return s.signIn(c.r.Context(), req.Username, req.Password)
	}
	cl, err := s.authenticate(c.r)
	if err != nil {
		return nil, err
	}
	s.audit(c, cl.user.Username, model.AuditCreate, model.AuditKindToken, req.Name, detail("role", req.Role, "expiresIn", req.ExpiresIn))
	return s.createNamedToken(c.r.Context(), cl, req)
}

// signIn checks a password and issues a session token. Unknown users cost a
// hash too, and every failure reads the same, so neither the answer nor its
// timing tells which usernames exist.
func (s *Server) signIn(ctx context.Context, username, password string) (*reply, error) {
	u, err := s.store.GetUser(ctx, username)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return nil, fmt.Errorf("sign-in: %w", err)
	}
	hash := s.dummy
	if u != nil {
		hash = u.PasswordHash
	}
	match, err := verifyPassword(password, hash)
	if err != nil {
		s.log.Error("unusable password hash", "username", username, "err", err)
	}
	if u == nil || !match || u.Disabled {
		return nil, errBadCredentials
	}
	now := s.now()
	exp := now.Add(s.ttl)
	_, clear, err := s.issue(ctx, u.Username, sessionTokenName, u.Role, true, &exp)
	if err != nil {
		return nil, err
	}
	return created(newTokenAnswer{Token: clear, Username: u.Username, Role: u.Role, ExpiresAt: &exp})
}

func (s *Server) createNamedToken(ctx context.Context, cl *caller, req tokenRequest) (*reply, error) {
	var ve model.ValidationError
	if !model.ValidName(req.Name) {
		ve.Fields = append(ve.Fields, model.FieldError{Path: "name", Message: fmt.Sprintf("%q is not a valid token name", req.Name)})
	}
	role, err := model.ParseRole(req.Role)
	if err != nil {
		ve.Fields = append(ve.Fields, model.FieldError{Path: "role", Message: fmt.Sprintf("unknown role %q (want admin, publisher, operator, viewer or runtime)", req.Role)})
	}
	var exp *time.Time
	if req.ExpiresIn != "" {
		d, err := time.ParseDuration(req.ExpiresIn)
		if err != nil || d <= 0 {
			ve.Fields = append(ve.Fields, model.FieldError{Path: "expiresIn", Message: fmt.Sprintf("%q is not a positive duration (e.g. 720h)", req.ExpiresIn)})
		} else {
			t := s.now().Add(d)
			exp = &t
		}
	}
	if len(ve.Fields) > 0 {
		return nil, &ve
	}
	if !cl.token.Role.Covers(role) || !cl.user.Role.Covers(role) {
		return nil, fmt.Errorf("%w: a %s token cannot create a %s token", model.ErrForbidden, cl.token.Role, role)
	}
	t, clear, err := s.issue(ctx, cl.user.Username, req.Name, role, false, exp)
	if err != nil {
		return nil, err
	}
	return created(newTokenAnswer{Token: clear, ID: t.ID, Name: t.Name, Role: t.Role, ExpiresAt: t.ExpiresAt})
}

// IssueToken stores a new named token of username with role, in the
// platform's own format, for callers inside the process (serve's runtime);
// ttl 0 never expires. The clear value is returned this once.
func (s *Server) IssueToken(ctx context.Context, username, name string, role model.Role, ttl time.Duration) (string, *model.Token, error) {
	if !model.ValidName(name) {
		return "", nil, model.Invalidf("name", "%q is not a valid token name", name)
	}
	if !role.Valid() {
		return "", nil, model.Invalidf("role", "unknown role %q", role)
	}
	if ttl < 0 {
		return "", nil, model.Invalidf("expiresIn", "%v is negative", ttl)
	}
	// Requests check the owner too; refusing here reports it where it happens.
	u, err := s.store.GetUser(ctx, username)
	if err != nil {
		return "", nil, fmt.Errorf("token owner %q: %w", username, err)
	}
	if u.Disabled {
		return "", nil, fmt.Errorf("%w: user %s is disabled", model.ErrForbidden, username)
	}
	if !u.Role.Covers(role) {
		return "", nil, fmt.Errorf("%w: a %s cannot own a %s token", model.ErrForbidden, u.Role, role)
	}
	var exp *time.Time
	if ttl > 0 {
		t := s.now().Add(ttl)
		exp = &t
	}
	t, clear, err := s.issue(ctx, username, name, role, false, exp)
	if err != nil {
		return "", nil, err
	}
	return clear, t, nil
}

// issue stores a new token and returns it with its clear value.
func (s *Server) issue(ctx context.Context, username, name string, role model.Role, session bool, exp *time.Time) (*model.Token, string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, "", err
	}
	clear, hash := newToken()
	t := &model.Token{
		ID: id.String(), Name: name, Username: username, Role: role, Session: session,
		Hash: hash, ExpiresAt: exp, CreatedAt: s.now(),
	}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return nil, "", fmt.Errorf("create token: %w", err)
	}
	return t, clear, nil
}

func (s *Server) listTokens(c *call) (*reply, error) {
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	who := c.r.URL.Query().Get("username")
	if !c.caller.allows(model.PermUsers) {
		if who != "" && who != c.caller.user.Username {
			return nil, forbidden(c.caller, model.PermUsers)
		}
		who = c.caller.user.Username
	}
	items, next, err := s.store.ListTokens(c.r.Context(), who, page)
	if err != nil {
		return nil, err
	}
	return okList(items, next)
}

func (s *Server) deleteToken(c *call) (*reply, error) {
	id := c.r.PathValue("id")
	owner := c.caller.user.Username
	if c.caller.allows(model.PermUsers) {
		owner = ""
	}
	found, err := s.findToken(c.r.Context(), owner, id)
	if err != nil {
		return nil, err
	}
	s.audit(c, "", model.AuditRevoke, model.AuditKindToken, found.Name, detail("id", found.ID, "owner", found.Username))
	if err := s.store.DeleteToken(c.r.Context(), found.ID); err != nil {
		return nil, err
	}
	s.touches.forget(found.ID)
	return noContent()
}

// findToken looks for a token among owner's ("" for everyone's); the store
// has no lookup by id, and a user's tokens are few. Another user's token
// reads as not found, so ids cannot be probed.
func (s *Server) findToken(ctx context.Context, owner, id string) (*model.Token, error) {
	page := store.Page{Limit: store.MaxPageLimit}
	for {
		items, next, err := s.store.ListTokens(ctx, owner, page)
		if err != nil {
			return nil, err
		}
		for _, t := range items {
			if t.ID == id {
				return t, nil
			}
		}
		if next == "" {
			return nil, fmt.Errorf("token %s: %w", id, model.ErrNotFound)
		}
		page.Cursor = next
	}
}

func (s *Server) whoami(c *call) (*reply, error) {
	return ok(whoami{Username: c.caller.user.Username, Role: c.caller.token.Role, TokenID: c.caller.token.ID})
}
