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
	"github.com/portico-dev/portico/internal/secret"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/postgres"
	"github.com/portico-dev/portico/internal/store/sqlite"
)

// DefaultFile is the SQLite file created in the data directory.
const DefaultFile = "portico.db"

// Options tune OpenOptions.
type Options struct {
	// Keyring seals the secrets of component specs (see internal/secret);
	// nil stores them in clear, which only tests should do.
	Keyring *secret.Keyring
}

// Open opens the store of storeURL with secrets in clear; servers use
// OpenOptions with a keyring.
func Open(ctx context.Context, storeURL, dataDir string, logger *slog.Logger) (store.Store, error) {
	return OpenOptions(ctx, storeURL, dataDir, Options{}, logger)
}

// OpenOptions opens the store of storeURL:
//
//	""  or "sqlite:"          <dataDir>/portico.db (dataDir created 0700)
//	"sqlite:PATH"             that SQLite file
//	"postgres://…", "postgresql://…"  PostgreSQL
func OpenOptions(ctx context.Context, storeURL, dataDir string, opt Options, logger *slog.Logger) (store.Store, error) {
	switch {
	case storeURL == "" || storeURL == "sqlite:":
		if dataDir == "" {
			return nil, fmt.Errorf("%w: store: no data directory for the default SQLite database", model.ErrInvalid)
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("store: create data directory: %w", err)
		}
		return openSQLite(ctx, filepath.Join(dataDir, DefaultFile), opt, logger)
	case strings.HasPrefix(storeURL, "sqlite:"):
		path := strings.TrimPrefix(storeURL, "sqlite:")
		path = strings.TrimPrefix(path, "//") // tolerate sqlite:///abs/path
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("store: create directory of %s: %w", path, err)
			}
		}
		return openSQLite(ctx, path, opt, logger)
	case strings.HasPrefix(storeURL, "postgres://"), strings.HasPrefix(storeURL, "postgresql://"):
		s, err := postgres.OpenOptions(ctx, storeURL, postgres.Options{Keyring: opt.Keyring}, logger)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	return nil, fmt.Errorf("%w: store %q: want sqlite: (the default file in the data directory), sqlite:PATH, or postgres://USER@HOST/DB",
		model.ErrInvalid, redact(storeURL))
}

func openSQLite(ctx context.Context, path string, opt Options, logger *slog.Logger) (store.Store, error) {
	s, err := sqlite.OpenOptions(ctx, path, sqlite.Options{Keyring: opt.Keyring}, logger)
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
