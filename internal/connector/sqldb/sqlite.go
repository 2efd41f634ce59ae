package sqldb

import (
	"database/sql"
	"errors"
	"strings"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/portico-dev/portico/internal/model"
)

var sqliteDialect = dialect{syntax: syntaxSQLite, classify: classifySQLite}

// openSQLite opens the file or URI given. Unless the DSN sets its own, a
// busy_timeout of 5s is added: the pool holds several connections, and
// without it a writer meeting another would fail at once with "database
// is locked" instead of waiting its turn.
func openSQLite(dsn string) (*sql.DB, string, string, error) {
	where, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if !strings.Contains(dsn, "busy_timeout") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + "_pragma=busy_timeout(5000)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, "", "", err
	}
	return db, where, "", nil
}

// classifySQLite maps SQLite's extended result codes.
func classifySQLite(err error) failure {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return failure{}
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return constraintFailure(ConstraintUnique, "", "", splitColumns(sqliteDetail(se, "UNIQUE"))...)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		// SQLite names neither the constraint nor its columns.
		return constraintFailure(ConstraintForeignKey, "", "")
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return constraintFailure(ConstraintNotNull, "", "", sqliteDetail(se, "NOT NULL"))
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		// An unnamed CHECK reports its expression, which is no name.
		name := sqliteDetail(se, "CHECK")
		if !identifier.MatchString(name) {
			name = ""
		}
		return constraintFailure(ConstraintCheck, name, "")
	case sqlite3.SQLITE_CONSTRAINT_DATATYPE:
		return failure{kind: model.ErrInvalid, reason: "invalid value for a STRICT column"}
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return failure{kind: model.ErrUnavailable, reason: "database is locked"}
	case sqlite3.SQLITE_CANTOPEN:
		return failure{kind: model.ErrUnavailable, reason: "cannot open the database file"}
	case sqlite3.SQLITE_READONLY:
		return failure{kind: model.ErrUnavailable, reason: "database is read-only"}
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
		return failure{kind: model.ErrUnavailable, reason: "disk full or I/O error"}
	}
	name := sqlite.ErrorCodeString[se.Code()]
	if name == "" {
		name = "error"
	}
	return failure{reason: "statement failed (" + name + ")"}
}

// sqliteDetail reads what follows "KIND constraint failed: " in the
// driver's "constraint failed: UNIQUE constraint failed: t.a, t.b (2067)":
// table-qualified columns, or a CHECK's name or expression.
func sqliteDetail(se *sqlite.Error, kind string) string {
	marker := kind + " constraint failed: "
	msg := se.Error()
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return ""
	}
	detail := msg[i+len(marker):]
	if j := strings.LastIndex(detail, " ("); j >= 0 && strings.HasSuffix(detail, ")") {
		detail = detail[:j]
	}
	return detail
}
