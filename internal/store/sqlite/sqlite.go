// Package sqlite opens the control plane's store on an SQLite file (pure Go,
// modernc.org/sqlite): one writer connection, since SQLite has one writer at a
// time, and a pool of readers that WAL lets run beside it.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/secret"
	"github.com/portico-dev/portico/internal/store/migrate"
	"github.com/portico-dev/portico/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the SQLite store.
type Store = sqlstore.Store

// Options tune Open; the zero value is the production setting.
type Options struct {
	// BusyTimeout is how long a statement waits for another process's lock
	// before failing with model.ErrUnavailable (default 5s).
	BusyTimeout time.Duration
	// Keyring seals the secrets of component specs; nil stores them in clear.
	Keyring *secret.Keyring
}

// Open opens (creating if needed) the database file at path and migrates it.
func Open(ctx context.Context, path string, logger *slog.Logger) (*Store, error) {
	return OpenOptions(ctx, path, Options{}, logger)
}

// OpenOptions is Open with options.
func OpenOptions(ctx context.Context, path string, opt Options, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if path == "" {
		return nil, fmt.Errorf("%w: sqlite: empty database path", model.ErrInvalid)
	}
	if strings.Contains(path, "?") {
		// The driver reads everything after '?' as connection options.
		return nil, fmt.Errorf("%w: sqlite: database path %q must not contain '?'", model.ErrInvalid, path)
	}
	busy := opt.BusyTimeout
	if busy <= 0 {
		busy = 5 * time.Second
	}
	writer, err := sql.Open("sqlite", dsn(path, busy, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetConnMaxIdleTime(0)
	reader, err := sql.Open("sqlite", dsn(path, busy, true))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	reader.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	d := Dialect()
	s := sqlstore.New(writer, reader, d, logger, sqlstore.WithKeyring(opt.Keyring))
	ms, err := migrate.Load(migrations, "migrations")
	if err == nil {
		err = migrate.Run(ctx, writer, ms, migrate.Options{Bind: d.Bind}, logger)
	}
	if err != nil {
		s.Close()
		if c := classify(err); c != nil {
			return nil, fmt.Errorf("%w: sqlite %s: %w", c, path, err)
		}
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	return s, nil
}

// dsn builds the connection string: WAL so that readers never wait for the
// writer, foreign keys on, and write transactions that take the write lock
// when they begin (so they queue on busy_timeout instead of failing when
// they first write).
func dsn(path string, busy time.Duration, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode()
}

// Dialect is SQLite's: '?' placeholders, no row locks (a write transaction
// holds the database's write lock from BEGIN IMMEDIATE).
func Dialect() *sqlstore.Dialect {
	return &sqlstore.Dialect{
		Name:       "sqlite",
		SnapshotTx: sql.TxOptions{ReadOnly: true},
		Classify:   classify,
	}
}

// classify maps busy and locked databases to model.ErrUnavailable and
// constraint violations on unique keys to model.ErrConflict.
func classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return model.ErrUnavailable
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return model.ErrConflict
	}
	return nil
}
