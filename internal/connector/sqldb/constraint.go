package sqldb

import (
	"regexp"
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

// The kinds of constraint Error.Constraint reports. They are plain strings
// so that a consumer (the endpoint) can match them without importing this
// package; "Violation" appended to one is its problem+json code.
const (
	ConstraintUnique     = "unique"
	ConstraintForeignKey = "foreignKey"
	ConstraintNotNull    = "notNull"
	ConstraintCheck      = "check"
)

// ConstraintError is an error a database constraint refused. *Error
// implements it; kind is "" for an error that is no constraint violation.
type ConstraintError interface {
	error
	// Constraint returns the kind (ConstraintUnique, ...), the constraint's
	// name when the database told it, and what it is on: "table.column",
	// "table.a, table.b", a bare column or the table alone, or "".
	Constraint() (kind, name, on string)
}

var _ ConstraintError = (*Error)(nil)

// violation is the constraint a statement broke, as far as the driver
// said: only schema names, never the values that collided.
type violation struct {
	kind    string
	name    string
	table   string
	columns []string
}

// Constraint implements ConstraintError.
func (e *Error) Constraint() (kind, name, on string) {
	if e.violation == nil {
		return "", "", ""
	}
	return e.violation.kind, e.violation.name, e.violation.on()
}

// on names the columns, qualified by the table when known, or the table.
func (v *violation) on() string {
	if len(v.columns) == 0 {
		return v.table
	}
	cols := make([]string, len(v.columns))
	for i, c := range v.columns {
		if v.table != "" && !strings.Contains(c, ".") {
			c = v.table + "." + c
		}
		cols[i] = c
	}
	return strings.Join(cols, ", ")
}

// constraintLabels spell the kinds for people.
var constraintLabels = map[string]string{
	ConstraintUnique:     "unique",
	ConstraintForeignKey: "foreign key",
	ConstraintNotNull:    "not-null",
	ConstraintCheck:      "check",
}

// describe is the safe message: `unique constraint "customers_email_key"
// on customers.email violated`.
func (v *violation) describe() string {
	var b strings.Builder
	b.WriteString(constraintLabels[v.kind])
	b.WriteString(" constraint")
	if v.name != "" {
		b.WriteString(` "` + v.name + `"`)
	}
	if on := v.on(); on != "" {
		b.WriteString(" on " + on)
	}
	b.WriteString(" violated")
	return b.String()
}

// constraintFailure classifies a violation: unique and foreign key ones
// collide with stored data (ErrConflict); not-null and check ones refuse
// the data itself (ErrInvalid).
func constraintFailure(kind, name, table string, columns ...string) failure {
	v := &violation{kind: kind, name: name, table: table}
	for _, c := range columns {
		if c != "" {
			v.columns = append(v.columns, c)
		}
	}
	sentinel := model.ErrInvalid
	if kind == ConstraintUnique || kind == ConstraintForeignKey {
		sentinel = model.ErrConflict
	}
	return failure{kind: sentinel, reason: v.describe(), violation: v}
}

// identifier matches a plain SQL name, as opposed to an expression that a
// database reports instead of a name (SQLite's unnamed CHECK).
var identifier = regexp.MustCompile(`^[\pL_][\pL\pN_$]*$`)

// splitColumns splits "a, b" (or "`a`,`b`") into names, unquoted.
func splitColumns(s string) []string {
	var cols []string
	for c := range strings.SplitSeq(s, ",") {
		c = strings.Trim(strings.TrimSpace(c), "`\"")
		if c != "" {
			cols = append(cols, c)
		}
	}
	return cols
}
