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
		return failure{model.ErrConflict, "unique constraint violated"}
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return failure{model.ErrConflict, "foreign key constraint violated"}
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return failure{model.ErrInvalid, "null value not allowed"}
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return failure{model.ErrInvalid, "check constraint violated"}
	case sqlite3.SQLITE_CONSTRAINT_DATATYPE:
		return failure{model.ErrInvalid, "invalid value for a STRICT column"}
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return failure{model.ErrUnavailable, "database is locked"}
	case sqlite3.SQLITE_CANTOPEN:
		return failure{model.ErrUnavailable, "cannot open the database file"}
	case sqlite3.SQLITE_READONLY:
		return failure{model.ErrUnavailable, "database is read-only"}
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
		return failure{model.ErrUnavailable, "disk full or I/O error"}
	}
	name := sqlite.ErrorCodeString[se.Code()]
	if name == "" {
		name = "error"
	}
	return failure{reason: "statement failed (" + name + ")"}
}
