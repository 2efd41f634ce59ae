package model

import (
	"fmt"
	"time"
)

// Role is a platform role. Users hold admin, publisher, operator or viewer;
// RoleRuntime is for the tokens of standalone runtimes only.
type Role string

// The platform roles.
const (
	RoleAdmin     Role = "admin"
	RolePublisher Role = "publisher"
	RoleOperator  Role = "operator"
	RoleViewer    Role = "viewer"
	RoleRuntime   Role = "runtime"
)

// Permission is one thing a platform caller may do.
type Permission string

// The permissions checked on every platform API route.
const (
	PermRead            Permission = "read"             // components, packages, environments, deployments
	PermWriteComponents Permission = "components:write" // apply, delete components
	PermPackage         Permission = "packages:write"   // create and delete packages
	PermDeploy          Permission = "deploy"           // deploy, rollback, undeploy
	PermEnvironments    Permission = "environments:write"
	PermUsers           Permission = "users:write" // users and other users' tokens
	PermSnapshot        Permission = "snapshot:read"
	PermExecutionsWrite Permission = "executions:write" // runtimes report execution records
	PermApps            Permission = "apps:write"       // applications, their keys and subscriptions, plans
	PermConsumers       Permission = "consumers:write"  // API users (consumers) and their tokens
	PermAudit           Permission = "audit:read"       // the audit log
)

var rolePerms = map[Role][]Permission{
	RoleAdmin:     {PermRead, PermWriteComponents, PermPackage, PermDeploy, PermEnvironments, PermUsers, PermSnapshot, PermExecutionsWrite, PermApps, PermConsumers, PermAudit},
	RolePublisher: {PermRead, PermWriteComponents, PermPackage, PermDeploy},
	RoleOperator:  {PermRead, PermDeploy, PermEnvironments, PermSnapshot, PermExecutionsWrite, PermApps, PermConsumers, PermAudit},
	RoleViewer:    {PermRead},
	RoleRuntime:   {PermSnapshot, PermExecutionsWrite},
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := rolePerms[r]; return ok }

// UserRole reports whether r may be held by a user (runtime is token-only).
func (r Role) UserRole() bool { return r.Valid() && r != RoleRuntime }

// Allows reports whether the role grants p.
func (r Role) Allows(p Permission) bool {
	for _, q := range rolePerms[r] {
		if q == p {
			return true
		}
	}
	return false
}

// Covers reports whether a holder of r may hand out a token of role o:
// only roles whose permissions are a subset of r's.
func (r Role) Covers(o Role) bool {
	for _, p := range rolePerms[o] {
		if !r.Allows(p) {
			return false
		}
	}
	return o.Valid()
}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("%w: unknown role %q (want admin, publisher, operator, viewer or runtime)", ErrInvalid, s)
	}
	return r, nil
}

// User is a platform user (publisher, operator, ...). API consumers are a
// separate concept of the runtime.
type User struct {
	Username     string    `json:"username"`
	Role         Role      `json:"role"`
	Disabled     bool      `json:"disabled,omitempty"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"createdAt,omitzero"`
	UpdatedAt    time.Time `json:"updatedAt,omitzero"`
}

// Validate checks the user.
func (u *User) Validate() error {
	var e errs
	if !ValidUsername(u.Username) {
		e.add("username", "%q is not a valid username", u.Username)
	}
	if !u.Role.UserRole() {
		e.add("role", "%q is not a user role (want admin, publisher, operator or viewer)", u.Role)
	}
	return e.err()
}

// Token is a bearer credential of the platform API. Only its SHA-256 hash is
// stored; the clear value is shown once when it is created.
type Token struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Username   string     `json:"username"`
	Role       Role       `json:"role"`
	Session    bool       `json:"session,omitempty"` // issued by sign-in rather than created on purpose
	Hash       string     `json:"-"`
	ExpiresAt  *time.Time `json:"expiresAt,omitempty"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
}

// Expired reports whether the token is past its expiry at now.
func (t *Token) Expired(now time.Time) bool { return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) }
