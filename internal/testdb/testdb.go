// Package testdb gives a test a fresh, empty database of its own on each
// engine Portico connects to: a file for SQLite, a schema for PostgreSQL
// (PORTICO_TEST_POSTGRES), a database for MySQL/MariaDB
// (PORTICO_TEST_MYSQL). Tests running at the same time on the same servers
// never see each other's tables. Only tests import it.
package testdb

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
	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"

	"github.com/portico-dev/portico/internal/model"
)

// ForEachDriver runs fn in a parallel subtest per driver, each with a DSN of
// its own from DSN; engines whose variable is not set are skipped, saying
// which variable to set.
func ForEachDriver(t *testing.T, fn func(t *testing.T, driver, dsn string)) {
	t.Helper()
	for _, driver := range model.DatabaseDrivers {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			fn(t, driver, DSN(t, driver))
		})
	}
}

// DSN returns the DSN of a fresh database of driver, dropped when t ends.
func DSN(t testing.TB, driver string) string {
	t.Helper()
	id := "pt_" + strings.ToLower(rand.Text()[:12])
	switch driver {
	case "sqlite":
		return "file:" + filepath.Join(t.TempDir(), "db.sqlite") + "?_pragma=foreign_keys(1)"
	case "postgres":
		base := os.Getenv("PORTICO_TEST_POSTGRES")
		if base == "" {
			t.Skip("PostgreSQL tests skipped: set PORTICO_TEST_POSTGRES, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
		}
		admin := Open(t, "pgx", base)
		Exec(t, admin, "CREATE SCHEMA "+id)
		t.Cleanup(func() { Exec(t, admin, "DROP SCHEMA "+id+" CASCADE") })
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("PORTICO_TEST_POSTGRES: %v", err)
		}
		q := u.Query()
		q.Set("search_path", id)
		u.RawQuery = q.Encode()
		return u.String()
	case "mysql":
		base := os.Getenv("PORTICO_TEST_MYSQL")
		if base == "" {
			t.Skip("MySQL/MariaDB tests skipped: set PORTICO_TEST_MYSQL, e.g. root@tcp(127.0.0.1:3306)/test?parseTime=true")
		}
		admin := Open(t, "mysql", base)
		Exec(t, admin, "CREATE DATABASE "+id)
		t.Cleanup(func() { Exec(t, admin, "DROP DATABASE "+id) })
		cfg, err := mysql.ParseDSN(base)
		if err != nil {
			t.Fatalf("PORTICO_TEST_MYSQL: %v", err)
		}
		cfg.DBName = id
		return cfg.FormatDSN()
	}
	t.Fatalf("unknown driver %q", driver)
	return ""
}

// Open opens dsn with a database/sql driver ("sqlite", "pgx", "mysql"),
// closed when t ends.
func Open(t testing.TB, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Exec runs a statement that must succeed.
func Exec(t testing.TB, db *sql.DB, stmt string) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}
