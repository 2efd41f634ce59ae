package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// health reports whether the server and its store answer.
type health struct {
	Status string `json:"status"`
	Store  string `json:"store"`
}

// versionInfo identifies the build.
type versionInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"goVersion"`
}

func (s *Server) health(c *call) (*reply, error) {
	ctx, cancel := context.WithTimeout(c.r.Context(), 5*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("health: store does not answer", "err", err)
		return &reply{status: http.StatusServiceUnavailable, body: health{Status: "unavailable", Store: "unavailable"}}, nil
	}
	return ok(health{Status: "ok", Store: "ok"})
}

func (s *Server) versionInfo(*call) (*reply, error) {
	return ok(versionInfo{Version: s.version, Commit: s.commit, GoVersion: runtime.Version()})
}

// rawJSON is a body written as is.
type rawJSON []byte

// MarshalJSON returns the bytes unchanged.
func (b rawJSON) MarshalJSON() ([]byte, error) { return b, nil }

func (s *Server) openAPI(*call) (*reply, error) { return ok(rawJSON(s.openapi)) }

// bootstrapUser is the admin created in an empty store.
const bootstrapUser = "admin"

// Bootstrap creates the user admin (role admin) when the store has no users,
// with adminPassword or, when it is empty, a generated password that it
// returns so that serve prints it once. With users present it does nothing.
func (s *Server) Bootstrap(ctx context.Context, adminPassword string) (generated string, err error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil {
		return "", fmt.Errorf("bootstrap: %w", err)
	}
	if n > 0 {
		return "", nil
	}
	pw := adminPassword
	if pw == "" {
		pw = randomString(18) // 24 characters, 144 bits
		generated = pw
	} else if err := checkPassword("PORTICO_ADMIN_PASSWORD", pw); err != nil {
		return "", fmt.Errorf("bootstrap: %w", err)
	}
	hash, err := hashPassword(pw, s.pw)
	if err != nil {
		return "", err
	}
	now := s.now()
	u := &model.User{Username: bootstrapUser, Role: model.RoleAdmin, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateUser(ctx, u); err != nil {
		if errors.Is(err, model.ErrConflict) {
			// Another replica bootstrapped at the same moment.
			return "", nil
		}
		return "", fmt.Errorf("bootstrap: %w", err)
	}
	s.log.Info("created the bootstrap admin", "username", bootstrapUser)
	return generated, nil
}
