// Package sqlstore implements store.Store once, in SQL that SQLite and
// PostgreSQL both run; a Dialect carries their few differences. The sqlite and
// postgres packages open the connections, migrate, and hand them here.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/portico-dev/portico/internal/secret"
	"github.com/portico-dev/portico/internal/store"
)

// Store is the SQL implementation of store.Store.
type Store struct {
	w    *sql.DB // writes; SQLite: a single connection
	r    *sql.DB // reads; may be w
	d    *Dialect
	log  *slog.Logger
	keys *secret.Keyring // seals spec secrets; nil keeps them in clear
	// watch delivers the changes other control planes commit (PostgreSQL's
	// LISTEN); nil for a store only one process uses.
	watch func(ctx context.Context, changed func(env string))
}

// Option configures a Store.
type Option func(*Store)

var _ store.Store = (*Store)(nil)

// New returns a store over writer and reader (which may be the same pool).
// The store owns both and closes them on Close.
func New(writer, reader *sql.DB, d *Dialect, logger *slog.Logger, opts ...Option) *Store {
	if reader == nil {
		reader = writer
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{w: writer, r: reader, d: d, log: logger}
	for _, o := range opts {
		o(s)
	}
	return s
}

// WithChangeFeed makes the store a store.ChangeFeed delivering changes
// through watch.
func WithChangeFeed(watch func(ctx context.Context, changed func(env string))) Option {
	return func(s *Store) { s.watch = watch }
}

var _ store.ChangeFeed = (*Store)(nil)

// WatchEnvironments implements store.ChangeFeed. A store without a change
// feed (SQLite: one process) has nothing to tell and waits for ctx.
func (s *Store) WatchEnvironments(ctx context.Context, changed func(env string)) {
	if s.watch == nil {
		<-ctx.Done()
		return
	}
	s.watch(ctx, changed)
}

// Close implements store.Store.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Ping implements store.Store: a query, not just a connection check, so that
// a locked or broken database is noticed.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return s.fail(err)
	}
	return nil
}

// db runs queries on a *sql.DB or a *sql.Tx with the dialect's placeholders.
type db struct {
	q interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}
	d *Dialect
	k *secret.Keyring
}

func (c db) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, c.d.bind(query), args...)
}

func (c db) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, c.d.bind(query), args...)
}

func (c db) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, c.d.bind(query), args...)
}

// errRollback ends a write transaction without an error for the caller: the
// work turned out to change nothing.
var errRollback = errors.New("rollback")

// write runs fn in a write transaction, committed when fn returns nil. The
// audit entries ctx carries (store.WithAudit) are recorded in the first
// such transaction that commits.
func (s *Store) write(ctx context.Context, fn func(tx db) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	q := db{tx, s.d, s.keys}
	if err := fn(q); err != nil {
		return err
	}
	pending := store.AuditOf(ctx)
	if pending != nil && !pending.Recorded() {
		if err := insertAudit(ctx, q, pending.Entries); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if pending != nil {
		pending.MarkRecorded()
	}
	return nil
}

// read runs fn in a read-only transaction that sees one consistent state.
func (s *Store) read(ctx context.Context, fn func(tx db) error) error {
	tx, err := s.r.BeginTx(ctx, &s.d.SnapshotTx)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to commit
	if err := fn(db{tx, s.d, s.keys}); err != nil {
		return err
	}
	return tx.Commit()
}

// reader runs single statements outside a transaction.
func (s *Store) reader() db { return db{s.r, s.d, s.keys} }
