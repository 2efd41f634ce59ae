package sqldb_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/portico-dev/portico/internal/connector/sqldb"
	"github.com/portico-dev/portico/internal/model"
)

// backend is one real database a test runs against, in a schema (or
// database) of its own that cleanup drops.
type backend struct {
	driver string
	spec   *model.DatabaseConnection
	// ddl rewrites generic DDL types to the driver's spelling.
	ddl func(string) string
}

// forEachDriver runs fn once per driver: SQLite always, PostgreSQL when
// PORTICO_TEST_POSTGRES and MariaDB/MySQL when PORTICO_TEST_MYSQL hold a
// DSN; otherwise that subtest is skipped, saying which variable to set.
func forEachDriver(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Helper()
	for _, driver := range model.DatabaseDrivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			fn(t, newBackend(t, driver))
		})
	}
}

func newBackend(t testing.TB, driver string) backend {
	t.Helper()
	id := "pt_" + strings.ToLower(rand.Text()[:12])
	switch driver {
	case "sqlite":
		dsn := "file:" + filepath.Join(t.TempDir(), "db.sqlite") + "?_pragma=foreign_keys(1)"
		return backend{driver: driver, spec: &model.DatabaseConnection{Driver: driver, DSN: model.Secret(dsn)}, ddl: func(s string) string { return s }}
	case "postgres":
		base := os.Getenv("PORTICO_TEST_POSTGRES")
		if base == "" {
			t.Skip("PostgreSQL tests skipped: set PORTICO_TEST_POSTGRES, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
		}
		admin := adminDB(t, "pgx", base)
		mustExec(t, admin, "CREATE SCHEMA "+id)
		t.Cleanup(func() { mustExec(t, admin, "DROP SCHEMA "+id+" CASCADE") })
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("PORTICO_TEST_POSTGRES: %v", err)
		}
		q := u.Query()
		q.Set("search_path", id)
		u.RawQuery = q.Encode()
		return backend{driver: driver, spec: &model.DatabaseConnection{Driver: driver, DSN: model.Secret(u.String())},
			ddl: strings.NewReplacer("BLOB", "BYTEA", "DOUBLE", "DOUBLE PRECISION").Replace}
	case "mysql":
		base := os.Getenv("PORTICO_TEST_MYSQL")
		if base == "" {
			t.Skip("MySQL/MariaDB tests skipped: set PORTICO_TEST_MYSQL, e.g. root@tcp(127.0.0.1:3306)/test?parseTime=true")
		}
		admin := adminDB(t, "mysql", base)
		mustExec(t, admin, "CREATE DATABASE "+id)
		t.Cleanup(func() { mustExec(t, admin, "DROP DATABASE "+id) })
		cfg, err := mysql.ParseDSN(base)
		if err != nil {
			t.Fatalf("PORTICO_TEST_MYSQL: %v", err)
		}
		cfg.DBName = id
		return backend{driver: driver, spec: &model.DatabaseConnection{Driver: driver, DSN: model.Secret(cfg.FormatDSN())}, ddl: func(s string) string { return s }}
	}
	t.Fatalf("unknown driver %q", driver)
	return backend{}
}

func adminDB(t testing.TB, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func mustExec(t testing.TB, db *sql.DB, stmt string) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// open opens the backend's connection through the package under test.
func (b backend) open(t testing.TB, opts ...sqldb.Option) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), b.spec, opts...)
	if err != nil {
		t.Fatalf("Open(%s): %v", b.driver, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// exec prepares and runs a statement that must succeed.
func exec(t testing.TB, db *sqldb.DB, stmt string, args map[string]any) int64 {
	t.Helper()
	st, err := db.Prepare(stmt)
	if err != nil {
		t.Fatalf("Prepare(%q): %v", stmt, err)
	}
	n, err := st.Exec(context.Background(), args)
	if err != nil {
		t.Fatalf("Exec(%q): %v", stmt, err)
	}
	return n
}

// query prepares and runs a query that must succeed.
func query(t *testing.T, db *sqldb.DB, stmt string, args map[string]any) []map[string]any {
	t.Helper()
	st, err := db.Prepare(stmt)
	if err != nil {
		t.Fatalf("Prepare(%q): %v", stmt, err)
	}
	rows, err := st.Query(context.Background(), args)
	if err != nil {
		t.Fatalf("Query(%q): %v", stmt, err)
	}
	return rows
}
