package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/portico-dev/portico/internal/secret"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/sqlite"
	"github.com/portico-dev/portico/internal/store/storetest"
)

func TestSecrets(t *testing.T) {
	storetest.RunSecrets(t, func(t *testing.T) storetest.SecretsBackend {
		path := filepath.Join(t.TempDir(), "portico.db")
		openStore := func(t *testing.T, k *secret.Keyring) store.Store {
			t.Helper()
			s, err := sqlite.OpenOptions(context.Background(), path, sqlite.Options{Keyring: k}, nil)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		openStore(t, nil) // creates and migrates the file
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		return storetest.SecretsBackend{Open: openStore, Raw: raw}
	})
}
