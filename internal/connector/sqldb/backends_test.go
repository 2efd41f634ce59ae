package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/connector/sqldb"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/testdb"
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
	ddl := func(s string) string { return s }
	if driver == "postgres" {
		ddl = strings.NewReplacer("BLOB", "BYTEA", "DOUBLE", "DOUBLE PRECISION").Replace
	}
	return backend{driver: driver, spec: &model.DatabaseConnection{Driver: driver, DSN: model.Secret(testdb.DSN(t, driver))}, ddl: ddl}
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
