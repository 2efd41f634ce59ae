package rest_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/connector/sqldb"
	"github.com/portico-dev/portico/internal/endpoint/rest"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// sqliteFailure runs stmt on a fresh SQLite database holding one customer
// and one order, and returns the connector's error.
func sqliteFailure(t *testing.T, stmt string, args map[string]any) error {
	t.Helper()
	dsn := "file:" + filepath.Join(t.TempDir(), "db.sqlite") + "?_pragma=foreign_keys(1)"
	db, err := sqldb.Open(context.Background(), &model.DatabaseConnection{Driver: "sqlite", DSN: model.Secret(dsn)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	for _, s := range []string{
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE,
			age INTEGER, CONSTRAINT adult CHECK (age >= 18))`,
		`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id))`,
		`INSERT INTO customers (id, name, email) VALUES (1, 'Ada', 'ada@example.com')`,
		stmt,
	} {
		st, err := db.Prepare(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err = st.Exec(context.Background(), args); err != nil {
			if s != stmt {
				t.Fatal(err)
			}
			return err
		}
	}
	t.Fatalf("%s succeeded", stmt)
	return nil
}

// TestConstraintViolationProblems: the connector's own errors, wrapped
// as the engine wraps a step's, become 409 or 422 naming the constraint,
// while a process's other faults stay 500.
func TestConstraintViolationProblems(t *testing.T) {
	t.Parallel()
	step := func(err error) error {
		return &process.StepError{Process: "save", Path: "spec.steps[0].exec", Err: fmt.Errorf("exec: %w", err)}
	}
	tests := []struct {
		name   string
		err    error
		status int
		code   string
		detail string
	}{
		{"unique", step(sqliteFailure(t, "INSERT INTO customers (id, name, email) VALUES (:id, 'B', :email)",
			map[string]any{"id": 2, "email": "ada@example.com"})),
			409, "uniqueViolation", "the data violates a unique constraint on customers.email"},
		{"foreign key", step(sqliteFailure(t, "INSERT INTO orders (id, customer_id) VALUES (1, :c)", map[string]any{"c": 99})),
			409, "foreignKeyViolation", "the data violates a foreign key constraint"},
		{"not null", step(sqliteFailure(t, "INSERT INTO customers (id, name, email) VALUES (2, :name, 'b@example.com')",
			map[string]any{"name": nil})),
			422, "notNullViolation", "the data violates a not-null constraint on customers.name"},
		{"check", step(sqliteFailure(t, "INSERT INTO customers (id, name, email, age) VALUES (2, 'B', 'b@example.com', :age)",
			map[string]any{"age": 12})),
			422, "checkViolation", "the data violates check constraint adult"},
		{"named everything", step(namedViolation{"unique", "customers_email_key", "customers.email"}),
			409, "uniqueViolation", "the data violates unique constraint customers_email_key on customers.email"},
		// A statement missing a named argument is the process's bug.
		{"missing argument", step(sqliteFailure(t, "INSERT INTO customers (id, name, email) VALUES (:id, 'B', 'b@example.com')", nil)),
			500, "", "the process failed; see execution "},
		{"other invalid", step(fmt.Errorf("map: %w", model.ErrInvalid)), 500, "", "the process failed; see execution "},
		{"no constraint kind", step(sqliteFailure(t, "INSERT INTO nowhere (x) VALUES (:x)", map[string]any{"x": 1})),
			500, "", "the process failed; see execution "},
		{"other conflict", step(fmt.Errorf("lock: %w", model.ErrConflict)), 409, "",
			"the request conflicts with existing data (a unique or reference constraint); see execution "},
	}
	procs := map[string]rest.RunnerWithSpec{}
	api := &model.APISpec{BasePath: "crm", Version: "v1"}
	for i, tt := range tests {
		name := fmt.Sprintf("p%d", i)
		procs[name] = proc(returns(nil, tt.err), nil)
		api.Endpoints = append(api.Endpoints, model.Endpoint{Method: "POST", Path: "/" + name, Process: name})
	}
	compiled, err := rest.Compile(api, procs, rest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rest.NewRouter([]*rest.API{compiled}))
	t.Cleanup(srv.Close)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, "POST", fmt.Sprintf("%s/ws/rest/crm/v1/p%d", srv.URL, i), map[string]string{"Content-Type": "application/json"}, `{}`, false)
			if a.status != tt.status || a.header.Get("Content-Type") != problemCT {
				t.Fatalf("status %d %s, want %d problem+json: %s", a.status, a.header.Get("Content-Type"), tt.status, a.body)
			}
			if code, _ := at(a.body, "/code"); tt.code != "" && code != tt.code || tt.code == "" && code != nil {
				t.Errorf("code = %v, want %q", code, tt.code)
			}
			detail, _ := at(a.body, "/detail")
			if d, _ := detail.(string); !strings.HasPrefix(d, tt.detail) {
				t.Errorf("detail = %q, want it to start with %q", d, tt.detail)
			}
			for _, leak := range []string{"INSERT", "ada@example.com", "99", "12", "sqlite"} {
				if strings.Contains(string(a.body), leak) && !strings.Contains(a.header.Get("X-Execution-Id"), leak) {
					t.Errorf("body %s leaks %q", a.body, leak)
				}
			}
		})
	}
}

// namedViolation is a connector error that names everything, as
// PostgreSQL's do.
type namedViolation struct{ kind, name, on string }

func (v namedViolation) Error() string                       { return "constraint " + v.name }
func (v namedViolation) Constraint() (kind, name, on string) { return v.kind, v.name, v.on }
