package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// RecordAudit implements store.Audit.
func (s *Store) RecordAudit(ctx context.Context, entries []*model.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	return s.fail(s.write(ctx, func(tx db) error { return insertAudit(ctx, tx, entries) }))
}

// insertAudit appends entries inside tx, setting their ID, and Time when zero.
func insertAudit(ctx context.Context, tx db, entries []*model.AuditEntry) error {
	stamp := now()
	for _, e := range entries {
		if e.Time.IsZero() {
			e.Time = stamp
		}
		e.Time = e.Time.UTC().Truncate(time.Microsecond)
		details := ""
		if len(e.Details) > 0 {
			b, err := json.Marshal(e.Details)
			if err != nil {
				return err
			}
			details = string(b)
		}
		err := tx.queryRow(ctx, `INSERT INTO audit (at, username, address, action, kind, name, details)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
			micros(e.Time), e.User, e.Address, e.Action, e.Kind, e.Name, details).Scan(&e.ID)
		if err != nil {
			return err
		}
	}
	return nil
}

// ListAudit implements store.Audit.
func (s *Store) ListAudit(ctx context.Context, f store.AuditFilter, page store.Page) ([]*model.AuditEntry, string, error) {
	n := limit(page)
	var afterSeq int64
	after, err := decodeCursor(page.Cursor, &afterSeq)
	if err != nil {
		return nil, "", err
	}
	var (
		where []string
		args  []any
	)
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if f.User != "" {
		add(`username = ?`, f.User)
	}
	if f.Action != "" {
		add(`action = ?`, f.Action)
	}
	if f.Kind != "" {
		add(`kind = ?`, f.Kind)
	}
	if f.Name != "" {
		add(`name = ?`, f.Name)
	}
	if !f.Since.IsZero() {
		add(`at >= ?`, micros(f.Since))
	}
	if !f.Until.IsZero() {
		add(`at < ?`, micros(f.Until))
	}
	if after {
		add(`seq < ?`, afterSeq)
	}
	q := `SELECT seq, at, username, address, action, kind, name, details FROM audit`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	rows, err := s.reader().query(ctx, q+fmt.Sprintf(` ORDER BY seq DESC LIMIT %d`, n+1), args...)
	if err != nil {
		return nil, "", s.fail(err)
	}
	defer rows.Close()
	var items []*model.AuditEntry
	for rows.Next() {
		var (
			e       model.AuditEntry
			at      int64
			details string
		)
		if err := rows.Scan(&e.ID, &at, &e.User, &e.Address, &e.Action, &e.Kind, &e.Name, &details); err != nil {
			return nil, "", s.fail(err)
		}
		e.Time = fromMicros(at)
		if details != "" {
			if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
				return nil, "", fmt.Errorf("decode audit entry %d: %w", e.ID, err)
			}
		}
		items = append(items, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.fail(err)
	}
	items, next := trim(items, n, func(e *model.AuditEntry) string { return encodeCursor(e.ID) })
	return items, next, nil
}
