package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"
)

// TestFirstSessionOnPostgres runs the whole session on PostgreSQL, in a
// schema of its own so that runs never collide.
func TestFirstSessionOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("PORTICO_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("PORTICO_TEST_POSTGRES is not set (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable): the PostgreSQL end-to-end test is skipped")
	}
	storeURL := freshSchema(t, dsn)
	srv := startServer(t, baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword, "PORTICO_STORE="+storeURL),
		"--listen", "127.0.0.1:0", "--data", t.TempDir())
	contains(t, "serve output", srv.Stdout(), "store: postgres://")
	scenario(t, srv.URL)
	if code := srv.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("serve exited %d on SIGTERM, want 0", code)
	}
}

// freshSchema creates a schema that the test drops at its end and returns
// dsn with search_path pointing at it.
func freshSchema(t *testing.T, dsn string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	schema := fmt.Sprintf("e2e_%d_%d", time.Now().UnixNano(), os.Getpid())
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema (is PORTICO_TEST_POSTGRES=%s reachable?): %v", dsn, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("PORTICO_TEST_POSTGRES is not a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
