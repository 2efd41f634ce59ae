package model_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

func TestRoleAllows(t *testing.T) {
	t.Parallel()
	perms := []model.Permission{model.PermRead, model.PermWriteComponents, model.PermPackage, model.PermDeploy,
		model.PermEnvironments, model.PermUsers, model.PermSnapshot}
	// The matrix of docs/platform-api.md, column by column in perms order.
	matrix := map[model.Role][]bool{
		model.RoleAdmin:     {true, true, true, true, true, true, true},
		model.RolePublisher: {true, true, true, true, false, false, false},
		model.RoleOperator:  {true, false, false, true, true, false, true},
		model.RoleViewer:    {true, false, false, false, false, false, false},
		model.RoleRuntime:   {false, false, false, false, false, false, true},
		"":                  {false, false, false, false, false, false, false},
		"root":              {false, false, false, false, false, false, false},
	}
	for role, row := range matrix {
		for i, p := range perms {
			t.Run(fmt.Sprintf("%s/%s", role, p), func(t *testing.T) {
				t.Parallel()
				if got := role.Allows(p); got != row[i] {
					t.Errorf("%q.Allows(%q) = %v, want %v", role, p, got, row[i])
				}
			})
		}
	}
}

func TestRoleCovers(t *testing.T) {
	t.Parallel()
	roles := []model.Role{model.RoleAdmin, model.RolePublisher, model.RoleOperator, model.RoleViewer, model.RoleRuntime, "root"}
	// covers[r] lists the roles a holder of r may hand out.
	covers := map[model.Role][]model.Role{
		model.RoleAdmin:     {model.RoleAdmin, model.RolePublisher, model.RoleOperator, model.RoleViewer, model.RoleRuntime},
		model.RolePublisher: {model.RolePublisher, model.RoleViewer},
		model.RoleOperator:  {model.RoleOperator, model.RoleViewer, model.RoleRuntime},
		model.RoleViewer:    {model.RoleViewer},
		model.RoleRuntime:   {model.RoleRuntime},
		"root":              nil,
	}
	for _, r := range roles {
		for _, o := range roles {
			want := false
			for _, c := range covers[r] {
				want = want || c == o
			}
			t.Run(fmt.Sprintf("%s/%s", r, o), func(t *testing.T) {
				t.Parallel()
				if got := r.Covers(o); got != want {
					t.Errorf("%q.Covers(%q) = %v, want %v", r, o, got, want)
				}
			})
		}
	}
}

func TestParseRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		want     model.Role
		wantErr  bool
		userRole bool
	}{
		{"admin", model.RoleAdmin, false, true},
		{"publisher", model.RolePublisher, false, true},
		{"operator", model.RoleOperator, false, true},
		{"viewer", model.RoleViewer, false, true},
		{"runtime", model.RoleRuntime, false, false},
		{"Admin", "", true, false},
		{"", "", true, false},
		{"superuser", "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := model.ParseRole(tt.in)
			if tt.wantErr {
				if !errors.Is(err, model.ErrInvalid) {
					t.Fatalf("ParseRole(%q) error = %v, want ErrInvalid", tt.in, err)
				}
				if model.Role(tt.in).UserRole() {
					t.Errorf("UserRole(%q) = true", tt.in)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseRole(%q) = %q, %v", tt.in, got, err)
			}
			if got.UserRole() != tt.userRole {
				t.Errorf("UserRole() = %v, want %v", got.UserRole(), tt.userRole)
			}
		})
	}
}

func TestUserValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		user model.User
		want []string
	}{
		{"admin", model.User{Username: "admin", Role: model.RoleAdmin}, nil},
		{"email viewer", model.User{Username: "ada@example.com", Role: model.RoleViewer}, nil},
		{"runtime is token-only", model.User{Username: "rt", Role: model.RoleRuntime}, []string{"role"}},
		{"no role", model.User{Username: "ada"}, []string{"role"}},
		{"bad username", model.User{Username: "ada lovelace", Role: model.RoleViewer}, []string{"username"}},
		{"empty", model.User{}, []string{"username", "role"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPaths(t, tt.user.Validate(), tt.want)
		})
	}
}

func TestTokenExpired(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	tests := []struct {
		name    string
		expires *time.Time
		want    bool
	}{
		{"never", nil, false},
		{"future", at(time.Hour), false},
		{"one nanosecond left", at(time.Nanosecond), false},
		{"exactly now", at(0), true},
		{"past", at(-time.Second), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok := model.Token{ExpiresAt: tt.expires}
			if got := tok.Expired(now); got != tt.want {
				t.Errorf("Expired() = %v, want %v", got, tt.want)
			}
		})
	}
}
