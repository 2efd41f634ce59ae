package postgres_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/portico-dev/portico/internal/secret"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/postgres"
	"github.com/portico-dev/portico/internal/store/storetest"
)

func TestSecrets(t *testing.T) {
	storetest.RunSecrets(t, func(t *testing.T) storetest.SecretsBackend {
		dsn := freshDSN(t)
		openStore := func(t *testing.T, k *secret.Keyring) store.Store {
			t.Helper()
			s, err := postgres.OpenOptions(context.Background(), dsn, postgres.Options{Keyring: k}, nil)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		openStore(t, nil) // migrates the schema
		raw, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		return storetest.SecretsBackend{Open: openStore, Raw: raw, Bind: postgres.Dialect().Bind}
	})
}
