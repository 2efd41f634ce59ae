// Package sqldb is Portico's database connector: it opens a pool on an
// SQLite, PostgreSQL or MySQL/MariaDB connection spec and runs statements
// written with named parameters (":name"), returning rows as JSON values.
//
// Result values, per column (the driver's value and the column's database
// type decide together):
//
//	integers (any width)          int; MySQL unsigned above MaxInt64: decimal string
//	REAL, FLOAT, DOUBLE           float64
//	DECIMAL, NUMERIC              int when integral and within int64; float64 when
//	                              the float prints back to the same digits
//	                              ("12.50" → 12.5); otherwise the exact text
//	                              ("12345678901234567890.12", "NaN")
//	text (CHAR, VARCHAR, TEXT)    string; PostgreSQL types without a Go mapping
//	                              (UUID, arrays, intervals, TIME) as their text
//	BLOB, BYTEA, (VAR)BINARY      base64 string (standard encoding, padded)
//	JSON, JSONB                   the decoded value (integers as int)
//	BOOLEAN                       bool (PostgreSQL; SQLite columns declared
//	                              BOOLEAN or BOOL); MySQL TINYINT(1)/BOOLEAN stays
//	                              int: the protocol cannot tell it from TINYINT
//	MySQL BIT(n)                  unsigned int
//	DATE                          "2006-01-02"
//	TIMESTAMP, DATETIME           RFC 3339 in UTC, fraction only when non-zero
//	NULL                          nil
//
// Column names are the ones the database returns. Errors are *Error: a
// message safe for API clients, classified with errors.Is as
// model.ErrUnavailable (connection refused, lost, timed out, too many
// connections, locked), model.ErrConflict (unique and foreign key
// violations) or model.ErrInvalid (NOT NULL, CHECK, bad values). A
// constraint violation also tells, through ConstraintError, its kind and,
// as far as the driver reports them, the constraint's name and its
// table-qualified columns: PostgreSQL all of them; MySQL/MariaDB the key
// or constraint name (and the columns of a foreign key); SQLite the
// columns of a unique or not-null one and a CHECK's name.
package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/portico-dev/portico/internal/model"
)

// DefaultMaxRows is the row cap of a query unless WithMaxRows changes it.
const DefaultMaxRows = 100_000

// DB is an open pool on one database connection.
type DB struct {
	db       *sql.DB
	driver   string // as in the spec: sqlite, postgres, mysql
	dialect  dialect
	where    string // host:port or file, for messages
	password string // to scrub from driver messages
	maxRows  int
}

// dialect is what differs between drivers beyond database/sql.
type dialect struct {
	syntax   syntax
	classify func(error) failure
}

// Option tunes Open.
type Option func(*options)

type options struct {
	maxRows int
	log     *slog.Logger
}

// WithMaxRows caps the rows one query may return; a larger result is an
// error wrapping ErrTooManyRows rather than a truncated answer.
func WithMaxRows(n int) Option { return func(o *options) { o.maxRows = n } }

// WithLogger receives the driver's own diagnostics (MySQL only).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// Open prepares a pool for spec without connecting: the runtime may start
// while the database is down, and the first statement (or Ping) connects.
// Only a malformed spec fails here (model.ErrInvalid).
func Open(ctx context.Context, spec *model.DatabaseConnection, opts ...Option) (*DB, error) {
	_ = ctx // nothing to wait for yet; kept for symmetry with I/O constructors
	o := options{maxRows: DefaultMaxRows, log: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	if spec == nil {
		return nil, fmt.Errorf("%w: database connection: no spec", model.ErrInvalid)
	}
	d := &DB{driver: spec.Driver, maxRows: o.maxRows}
	var err error
	switch spec.Driver {
	case "sqlite":
		d.dialect = sqliteDialect
		d.db, d.where, d.password, err = openSQLite(spec.DSN.Reveal())
	case "postgres":
		d.dialect = postgresDialect
		d.db, d.where, d.password, err = openPostgres(spec.DSN.Reveal())
	case "mysql":
		d.dialect = mysqlDialect
		d.db, d.where, d.password, err = openMySQL(spec.DSN.Reveal(), o.log)
	default:
		return nil, fmt.Errorf("%w: database driver %q is not supported (want sqlite, postgres or mysql)", model.ErrInvalid, spec.Driver)
	}
	if err != nil {
		return nil, err
	}
	if spec.MaxOpenConns > 0 {
		d.db.SetMaxOpenConns(spec.MaxOpenConns)
	}
	if spec.MaxIdleConns > 0 {
		d.db.SetMaxIdleConns(spec.MaxIdleConns)
	}
	if spec.ConnMaxLifetime > 0 {
		d.db.SetConnMaxLifetime(spec.ConnMaxLifetime.Std())
	}
	return d, nil
}

// Driver returns the spec's driver name.
func (db *DB) Driver() string { return db.driver }

// Ping connects if needed and checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.wrap(db.db.PingContext(ctx), "")
}

// Stats reports the pool's state, for metrics.
func (db *DB) Stats() sql.DBStats { return db.db.Stats() }

// Close closes the pool; statements prepared on it stop working.
func (db *DB) Close() error { return db.db.Close() }
