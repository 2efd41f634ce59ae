package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// CreateToken implements store.Tokens. An empty ID gets a new one; a zero
// CreatedAt gets now.
func (s *Store) CreateToken(ctx context.Context, t *model.Token) error {
	if t.Hash == "" {
		return fmt.Errorf("%w: token hash is required", model.ErrInvalid)
	}
	if !t.Role.Valid() {
		return fmt.Errorf("%w: token role %q is not a role", model.ErrInvalid, t.Role)
	}
	if t.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("token id: %w", err)
		}
		t.ID = id.String()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now()
	}
	t.CreatedAt = t.CreatedAt.UTC().Truncate(time.Microsecond)
	if t.ExpiresAt != nil {
		e := t.ExpiresAt.UTC().Truncate(time.Microsecond)
		t.ExpiresAt = &e
	}
	_, err := s.w.ExecContext(ctx, s.d.bind(`INSERT INTO tokens (id, name, username, role, session, hash, expires_at, created_at, last_used_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), t.ID, t.Name, t.Username, t.Role, t.Session, t.Hash,
		nullMicros(t.ExpiresAt), micros(t.CreatedAt), nullMicros(t.LastUsedAt))
	if err != nil && s.d.Classify != nil && errors.Is(s.d.Classify(err), model.ErrConflict) {
		return fmt.Errorf("%w: token %q already exists", model.ErrConflict, t.ID)
	}
	return s.fail(err)
}

const tokenColumns = `id, name, username, role, session, hash, expires_at, created_at, last_used_at`

func scanToken(sc interface{ Scan(...any) error }) (*model.Token, error) {
	var (
		t         model.Token
		exp, used *int64
		at        int64
	)
	if err := sc.Scan(&t.ID, &t.Name, &t.Username, &t.Role, &t.Session, &t.Hash, &exp, &at, &used); err != nil {
		return nil, err
	}
	t.ExpiresAt, t.CreatedAt, t.LastUsedAt = timePtr(exp), fromMicros(at), timePtr(used)
	return &t, nil
}

// TokenByHash implements store.Tokens. Expiry is the caller's to check.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*model.Token, error) {
	t, err := scanToken(s.reader().queryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("token")
	}
	return t, s.fail(err)
}

// ListTokens implements store.Tokens.
func (s *Store) ListTokens(ctx context.Context, username string, page store.Page) ([]*model.Token, string, error) {
	n := limit(page)
	var (
		afterAt int64
		afterID string
	)
	after, err := decodeCursor(page.Cursor, &afterAt, &afterID)
	if err != nil {
		return nil, "", err
	}
	q := `SELECT ` + tokenColumns + ` FROM tokens WHERE 1 = 1`
	var args []any
	if username != "" {
		q += ` AND username = ?`
		args = append(args, username)
	}
	if after {
		q += ` AND (created_at > ? OR (created_at = ? AND id > ?))`
		args = append(args, afterAt, afterAt, afterID)
	}
	q += fmt.Sprintf(` ORDER BY created_at, id LIMIT %d`, n+1)
	items, err := queryAll(ctx, s.reader(), scanToken, q, args...)
	if err != nil {
		return nil, "", s.fail(err)
	}
	items, next := trim(items, n, func(t *model.Token) string { return encodeCursor(micros(t.CreatedAt), t.ID) })
	return items, next, nil
}

// DeleteToken implements store.Tokens.
func (s *Store) DeleteToken(ctx context.Context, id string) error {
	res, err := s.w.ExecContext(ctx, s.d.bind(`DELETE FROM tokens WHERE id = ?`), id)
	if err != nil {
		return s.fail(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.fail(err)
	} else if n == 0 {
		return notFound("token %q", id)
	}
	return nil
}

// TouchToken implements store.Tokens. It never moves LastUsedAt backwards.
func (s *Store) TouchToken(ctx context.Context, id string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, s.d.bind(`UPDATE tokens SET last_used_at = ?
		WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`), micros(at), id, micros(at))
	if err != nil {
		return s.fail(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.fail(err)
	} else if n == 0 {
		var one int
		err := s.reader().queryRow(ctx, `SELECT 1 FROM tokens WHERE id = ?`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("token %q", id)
		}
		return s.fail(err)
	}
	return nil
}

// DeleteExpiredTokens implements store.Tokens.
func (s *Store) DeleteExpiredTokens(ctx context.Context, now time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, s.d.bind(`DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= ?`), micros(now))
	if err != nil {
		return 0, s.fail(err)
	}
	n, err := res.RowsAffected()
	return int(n), s.fail(err)
}
