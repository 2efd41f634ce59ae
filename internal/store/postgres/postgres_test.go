package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
	"github.com/portico-dev/portico/internal/store/postgres"
	"github.com/portico-dev/portico/internal/store/storetest"
)

// freshDSN creates an empty schema for t, dropped when t ends, and returns a
// DSN whose search_path selects it.
func freshDSN(t *testing.T) string {
	t.Helper()
	base := os.Getenv("PORTICO_TEST_POSTGRES")
	if base == "" {
		t.Skip("PostgreSQL tests skipped: set PORTICO_TEST_POSTGRES to a DSN, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := fmt.Sprintf("portico_test_%d", time.Now().UnixNano())
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t *testing.T) store.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), freshDSN(t), nil)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, open)
}

// openRefusing opens a store whose Refuse installs a PostgreSQL trigger in
// the store's schema.
func openRefusing(t *testing.T) (store.Store, storetest.Refuse) {
	t.Helper()
	dsn := freshDSN(t)
	s, err := postgres.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	refuse := func(t *testing.T, name string) {
		t.Helper()
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		fn := "refuse_" + strings.ReplaceAll(name, "-", "_")
		for _, q := range []string{
			`CREATE FUNCTION ` + fn + `() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN IF NEW.name = '` + name + `' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`,
			`CREATE TRIGGER ` + fn + ` BEFORE INSERT OR UPDATE ON environments FOR EACH ROW EXECUTE FUNCTION ` + fn + `()`,
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("create trigger: %v", err)
			}
		}
	}
	return s, refuse
}

func TestFaults(t *testing.T) {
	storetest.RunFaults(t, openRefusing)
}

// TestConcurrentOpen starts several control planes on one empty schema at
// once: the advisory lock lets one migrate and the others find it done.
func TestConcurrentOpen(t *testing.T) {
	dsn := freshDSN(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(context.Background(), dsn, nil)
			if err == nil {
				err = s.Ping(context.Background())
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
		}
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != migrationFiles(t) {
		t.Fatalf("schema_migrations rows = %d, %v; want one per migration file (%d)", n, err, migrationFiles(t))
	}
}

func TestUnreachable(t *testing.T) {
	t.Parallel()
	start := time.Now()
	_, err := postgres.Open(context.Background(), "postgres://postgres@127.0.0.1:1/test?sslmode=disable", nil)
	if !errors.Is(err, model.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("error %q does not name the host", err)
	}
	if d := time.Since(start); d > 7*time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestBadDSN(t *testing.T) {
	t.Parallel()
	_, err := postgres.Open(context.Background(), "postgres://u:secret@[::1", nil)
	if !errors.Is(err, model.ErrInvalid) || strings.Contains(err.Error(), "secret") {
		t.Fatalf("err = %v, want ErrInvalid without the password", err)
	}
}

// migrationFiles counts the migrations the package embeds: each is applied once.
func migrationFiles(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	return len(files)
}
