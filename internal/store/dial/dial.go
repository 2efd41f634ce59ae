// Package dial opens the store a --store URL names: the default SQLite file
// in the data directory, another SQLite file, or a PostgreSQL database.
package dial

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/postgres"
	"github.com/portico-dev/portico/internal/store/sqlite"
)

// DefaultFile is the SQLite file created in the data directory.
const DefaultFile = "portico.db"

// Open opens the store of storeURL:
//
//	""  or "sqlite:"          <dataDir>/portico.db (dataDir created 0700)
//	"sqlite:PATH"             that SQLite file
//	"postgres://…", "postgresql://…"  PostgreSQL
func Open(ctx context.Context, storeURL, dataDir string, logger *slog.Logger) (store.Store, error) {
	switch {
	case storeURL == "" || storeURL == "sqlite:":
		if dataDir == "" {
			return nil, fmt.Errorf("%w: store: no data directory for the default SQLite database", model.ErrInvalid)
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("store: create data directory: %w", err)
		}
		return openSQLite(ctx, filepath.Join(dataDir, DefaultFile), logger)
	case strings.HasPrefix(storeURL, "sqlite:"):
		path := strings.TrimPrefix(storeURL, "sqlite:")
		path = strings.TrimPrefix(path, "//") // tolerate sqlite:///abs/path
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("store: create directory of %s: %w", path, err)
			}
		}
		return openSQLite(ctx, path, logger)
	case strings.HasPrefix(storeURL, "postgres://"), strings.HasPrefix(storeURL, "postgresql://"):
		s, err := postgres.Open(ctx, storeURL, logger)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	return nil, fmt.Errorf("%w: store %q: want sqlite: (the default file in the data directory), sqlite:PATH, or postgres://USER@HOST/DB",
		model.ErrInvalid, redact(storeURL))
}

func openSQLite(ctx context.Context, path string, logger *slog.Logger) (store.Store, error) {
	s, err := sqlite.Open(ctx, path, logger)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// redact hides a password in a URL-like string for messages.
func redact(s string) string {
	at := strings.LastIndex(s, "@")
	scheme := strings.Index(s, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return s
	}
	userinfo := s[scheme+3 : at]
	if user, _, ok := strings.Cut(userinfo, ":"); ok {
		return s[:scheme+3] + user + ":xxxxx" + s[at:]
	}
	return s
}
