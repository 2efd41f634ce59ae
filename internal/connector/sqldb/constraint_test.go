package sqldb_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/connector/sqldb"
	"github.com/portico-dev/portico/internal/model"
)

// TestConstraintDetails checks, per driver, what each kind of violation
// says about its constraint: the kind always, the name and columns as far
// as the database tells, and never a value nor the statement.
func TestConstraintDetails(t *testing.T) {
	t.Parallel()
	type want struct{ name, on string }
	tests := []struct {
		name     string
		sql      string
		args     map[string]any
		kind     string
		sentinel error
		per      map[string]want // by driver
	}{
		{"unique column", "INSERT INTO parent (id, email) VALUES (:id, :email)",
			map[string]any{"id": 2, "email": "secret@example.com"}, sqldb.ConstraintUnique, model.ErrConflict,
			map[string]want{"sqlite": {"", "parent.email"}, "postgres": {"parent_email_key", "parent.email"}, "mysql": {"email", ""}}},
		{"unique pair", "INSERT INTO parent (id, email, code1, code2) VALUES (:id, :email, :a, :b)",
			map[string]any{"id": 3, "email": "other@example.com", "a": 4242, "b": 4343}, sqldb.ConstraintUnique, model.ErrConflict,
			map[string]want{"sqlite": {"", "parent.code1, parent.code2"}, "postgres": {"parent_codes", "parent.code1, parent.code2"},
				"mysql": {"parent_codes", ""}}},
		{"primary key", "INSERT INTO parent (id, email) VALUES (:id, :email)",
			map[string]any{"id": 1, "email": "third@example.com"}, sqldb.ConstraintUnique, model.ErrConflict,
			map[string]want{"sqlite": {"", "parent.id"}, "postgres": {"parent_pkey", "parent.id"}, "mysql": {"PRIMARY", ""}}},
		{"missing parent", "INSERT INTO child (id, parent_id) VALUES (:id, :p)",
			map[string]any{"id": 2, "p": 9999}, sqldb.ConstraintForeignKey, model.ErrConflict,
			map[string]want{"sqlite": {"", ""}, "postgres": {"child_parent_fk", "child.parent_id"},
				"mysql": {"child_parent_fk", "child.parent_id"}}},
		{"referenced parent", "DELETE FROM parent WHERE id = :id",
			map[string]any{"id": 1}, sqldb.ConstraintForeignKey, model.ErrConflict,
			map[string]want{"sqlite": {"", ""}, "postgres": {"child_parent_fk", "child"}, "mysql": {"child_parent_fk", "child.parent_id"}}},
		{"not null", "INSERT INTO parent (id, email) VALUES (:id, :email)",
			map[string]any{"id": 4, "email": nil}, sqldb.ConstraintNotNull, model.ErrInvalid,
			map[string]want{"sqlite": {"", "parent.email"}, "postgres": {"", "parent.email"}, "mysql": {"", "email"}}},
		{"unnamed check", "INSERT INTO parent (id, email, age) VALUES (:id, :email, :age)",
			map[string]any{"id": 5, "email": "fifth@example.com", "age": -4242}, sqldb.ConstraintCheck, model.ErrInvalid,
			map[string]want{"sqlite": {"", ""}, "postgres": {"parent_age_check", "parent"}, "mysql": {"", "parent.age"}}},
		{"named check", "INSERT INTO parent (id, email, score) VALUES (:id, :email, :score)",
			map[string]any{"id": 6, "email": "sixth@example.com", "score": -4343}, sqldb.ConstraintCheck, model.ErrInvalid,
			map[string]want{"sqlite": {"score_positive", ""}, "postgres": {"score_positive", "parent"}, "mysql": {"score_positive", "parent"}}},
	}
	forEachDriver(t, func(t *testing.T, b backend) {
		db := b.open(t)
		exec(t, db, `CREATE TABLE parent (id INTEGER PRIMARY KEY, email VARCHAR(50) NOT NULL UNIQUE,
			age INTEGER CHECK (age >= 0), score INTEGER, code1 INTEGER, code2 INTEGER,
			CONSTRAINT score_positive CHECK (score > 0), CONSTRAINT parent_codes UNIQUE (code1, code2))`, nil)
		exec(t, db, `CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER,
			CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id))`, nil)
		exec(t, db, "INSERT INTO parent (id, email, code1, code2) VALUES (1, 'secret@example.com', 4242, 4343)", nil)
		exec(t, db, "INSERT INTO child (id, parent_id) VALUES (1, 1)", nil)
		for _, tt := range tests {
			st, err := db.Prepare(tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			_, err = st.Exec(context.Background(), tt.args)
			var ce sqldb.ConstraintError
			if !errors.As(err, &ce) {
				t.Errorf("%s: error = %v, want a sqldb.ConstraintError", tt.name, err)
				continue
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("%s: error %v is not %v", tt.name, err, tt.sentinel)
			}
			kind, name, on := ce.Constraint()
			w := tt.per[b.driver]
			if kind != tt.kind || name != w.name || on != w.on {
				t.Errorf("%s: Constraint() = %q, %q, %q; want %q, %q, %q", tt.name, kind, name, on, tt.kind, w.name, w.on)
			}
			msg := err.Error()
			t.Logf("%s: %s", tt.name, msg)
			for _, part := range []string{name, on} {
				if !strings.Contains(msg, part) {
					t.Errorf("%s: message %q does not name %q", tt.name, msg, part)
				}
			}
			for _, leak := range []string{"INSERT", "DELETE", "secret", "example.com", "4242", "4343", "9999"} {
				if strings.Contains(msg+name+on, leak) {
					t.Errorf("%s: %q (%q, %q) leaks %q", tt.name, msg, name, on, leak)
				}
			}
		}
	})
}

// TestNotAConstraint: other failures are no ConstraintError, or one
// without a kind, so that nobody answers them as a client's fault.
func TestNotAConstraint(t *testing.T) {
	t.Parallel()
	db := newBackend(t, "sqlite").open(t)
	for _, stmt := range []string{"SELECT * FROM nowhere", "SELECT :absent"} {
		st, err := db.Prepare(stmt)
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.Query(context.Background(), nil)
		var ce sqldb.ConstraintError
		if !errors.As(err, &ce) {
			t.Fatalf("%s: error %v is no *sqldb.Error", stmt, err)
		}
		if kind, name, on := ce.Constraint(); kind != "" || name != "" || on != "" {
			t.Errorf("%s: Constraint() = %q, %q, %q; want nothing", stmt, kind, name, on)
		}
	}
}
