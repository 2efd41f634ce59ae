// Package postgres opens the control plane's store on PostgreSQL (pgx through
// database/sql), for several control planes sharing one database.
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/secret"
	"github.com/portico-dev/portico/internal/store/migrate"
	"github.com/portico-dev/portico/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the PostgreSQL store.
type Store = sqlstore.Store

// connectTimeout bounds each connection attempt when the DSN sets none, so
// that an unreachable database is reported quickly.
const connectTimeout = 5 * time.Second

// migrationLock is the advisory lock key held while migrating ("portico" in ASCII).
const migrationLock = 0x706f727469636f

// packageLock is the advisory lock key that serialises package creation
// ("pkgseq" in ASCII), so that the packages' insert sequence is their commit order.
const packageLock = 0x706b67736571

// Options tune OpenOptions; the zero value stores secrets in clear.
type Options struct {
	// Keyring seals the secrets of component specs; nil stores them in clear.
	Keyring *secret.Keyring
}

// Open connects to dsn, checks that the database answers, and migrates it.
// An unreachable database is model.ErrUnavailable.
func Open(ctx context.Context, dsn string, logger *slog.Logger) (*Store, error) {
	return OpenOptions(ctx, dsn, Options{}, logger)
}

// OpenOptions is Open with options.
func OpenOptions(ctx context.Context, dsn string, opt Options, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres DSN: %v", model.ErrInvalid, redactErr(err))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	where := fmt.Sprintf("postgres %s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(5)
	db.SetConnMaxIdleTime(5 * time.Minute)

	pctx, cancel := context.WithTimeout(ctx, connectTimeout+time.Second)
	err = db.PingContext(pctx)
	cancel()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: %s: cannot connect: %w", model.ErrUnavailable, where, err)
	}
	d := Dialect()
	ms, err := migrate.Load(migrations, "migrations")
	if err == nil {
		err = migrate.Run(ctx, db, ms, migrate.Options{
			Lock:   fmt.Sprintf("SELECT pg_advisory_lock(%d)", migrationLock),
			Unlock: fmt.Sprintf("SELECT pg_advisory_unlock(%d)", migrationLock),
			Bind:   d.Bind,
		}, logger)
	}
	if err != nil {
		db.Close()
		if c := classify(err); c != nil {
			return nil, fmt.Errorf("%w: %s: %w", c, where, err)
		}
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	l := &listener{cfg: cfg.Copy(), log: logger}
	return sqlstore.New(db, db, d, logger, sqlstore.WithKeyring(opt.Keyring), sqlstore.WithChangeFeed(l.watch)), nil
}

// Dialect is PostgreSQL's: numbered placeholders, row locks that serialise
// writers of one row, and REPEATABLE READ snapshots.
func Dialect() *sqlstore.Dialect {
	return &sqlstore.Dialect{
		Name:        "postgres",
		Numbered:    true,
		ForUpdate:   " FOR UPDATE",
		ForShare:    " FOR SHARE",
		SkipLocked:  " FOR UPDATE SKIP LOCKED",
		PackageLock: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", packageLock),
		SnapshotTx:  sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
		Classify:    classify,
	}
}

// classify maps lost or refused connections, shutdowns, deadlocks and
// serialisation failures to model.ErrUnavailable (retry later) and unique
// violations to model.ErrConflict.
func classify(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return model.ErrConflict
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // shutdown, cannot connect now
			pe.Code == "53300",                     // too many connections
			pe.Code == "40001", pe.Code == "40P01": // serialisation failure, deadlock
			return model.ErrUnavailable
		}
		return nil
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), pgconn.Timeout(err),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return model.ErrUnavailable
	}
	return nil
}

// redactErr keeps a DSN parse error from echoing a password.
func redactErr(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "password="); i >= 0 {
		return msg[:i] + "password=xxxxx)"
	}
	return msg
}
