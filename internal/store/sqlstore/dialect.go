package sqlstore

import (
	"database/sql"
	"strconv"
	"strings"
)

// Dialect is what differs between the SQL databases the store runs on.
type Dialect struct {
	// Name is "sqlite" or "postgres", for messages.
	Name string
	// Numbered rewrites '?' placeholders to $1, $2, ... (PostgreSQL).
	Numbered bool
	// ForUpdate and ForShare are appended to a SELECT to lock its rows
	// until the transaction ends; empty where the whole database is
	// locked by the write transaction (SQLite).
	ForUpdate, ForShare string
	// SkipLocked is appended to the SELECT of a queue claim, so that
	// concurrent claimers pass over the rows another has locked rather than
	// wait for them (PostgreSQL: FOR UPDATE SKIP LOCKED); empty where
	// writers are serial anyway (SQLite).
	SkipLocked string
	// PackageLock, run first in a transaction that creates a package, holds
	// a lock until it ends, so that packages commit in the order of their
	// insert sequence (PostgreSQL: a transaction advisory lock); empty where
	// write transactions are serial anyway (SQLite).
	PackageLock string
	// SnapshotTx starts a read transaction that sees one consistent state.
	SnapshotTx sql.TxOptions
	// Classify returns the model sentinel (ErrUnavailable, ErrConflict) a
	// driver error stands for, or nil.
	Classify func(error) error
}

// bind rewrites placeholders. Queries never hold '?' inside literals.
func (d *Dialect) bind(q string) string {
	if !d.Numbered || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Bind is bind for other packages (the migration runner).
func (d *Dialect) Bind(q string) string { return d.bind(q) }
