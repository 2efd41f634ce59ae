package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// CreateUser implements store.Users. It sets CreatedAt and UpdatedAt on u.
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	stamp := now()
	err := s.write(ctx, func(tx db) error {
		var one int
		err := tx.queryRow(ctx, `SELECT 1 FROM users WHERE username = ?`, u.Username).Scan(&one)
		if err == nil {
			return fmt.Errorf("%w: user %q already exists", model.ErrConflict, u.Username)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO users (username, role, disabled, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, u.Username, u.Role, u.Disabled, u.PasswordHash, micros(stamp), micros(stamp))
		if err != nil && s.d.Classify != nil && errors.Is(s.d.Classify(err), model.ErrConflict) {
			return fmt.Errorf("%w: user %q already exists", model.ErrConflict, u.Username)
		}
		return err
	})
	if err != nil {
		return s.fail(err)
	}
	u.CreatedAt, u.UpdatedAt = stamp, stamp
	return nil
}

const userColumns = `username, role, disabled, password_hash, created_at, updated_at`

func scanUser(sc interface{ Scan(...any) error }) (*model.User, error) {
	var (
		u        model.User
		cat, uat int64
	)
	if err := sc.Scan(&u.Username, &u.Role, &u.Disabled, &u.PasswordHash, &cat, &uat); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = fromMicros(cat), fromMicros(uat)
	return &u, nil
}

// GetUser implements store.Users.
func (s *Store) GetUser(ctx context.Context, username string) (*model.User, error) {
	u, err := scanUser(s.reader().queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user %q", username)
	}
	return u, s.fail(err)
}

// ListUsers implements store.Users.
func (s *Store) ListUsers(ctx context.Context, page store.Page) ([]*model.User, string, error) {
	n := limit(page)
	var afterName string
	after, err := decodeCursor(page.Cursor, &afterName)
	if err != nil {
		return nil, "", err
	}
	q := `SELECT ` + userColumns + ` FROM users`
	var args []any
	if after {
		q += ` WHERE username > ?`
		args = append(args, afterName)
	}
	q += fmt.Sprintf(` ORDER BY username LIMIT %d`, n+1)
	items, err := queryAll(ctx, s.reader(), scanUser, q, args...)
	if err != nil {
		return nil, "", s.fail(err)
	}
	items, next := trim(items, n, func(u *model.User) string { return encodeCursor(u.Username) })
	return items, next, nil
}

// UpdateUser implements store.Users. It sets UpdatedAt on u.
func (s *Store) UpdateUser(ctx context.Context, u *model.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	stamp := now()
	err := s.write(ctx, func(tx db) error {
		if u.Role != model.RoleAdmin || u.Disabled {
			if err := keepAnAdmin(ctx, tx, s.d, u.Username, "demoted or disabled"); err != nil {
				return err
			}
		}
		res, err := tx.exec(ctx, `UPDATE users SET role = ?, disabled = ?,
			password_hash = CASE WHEN ? = '' THEN password_hash ELSE ? END, updated_at = ? WHERE username = ?`,
			u.Role, u.Disabled, u.PasswordHash, u.PasswordHash, micros(stamp), u.Username)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("user %q", u.Username)
		}
		return nil
	})
	if err != nil {
		return s.fail(err)
	}
	u.UpdatedAt = stamp
	return nil
}

// DeleteUser implements store.Users.
func (s *Store) DeleteUser(ctx context.Context, username string) error {
	return s.fail(s.write(ctx, func(tx db) error {
		if err := keepAnAdmin(ctx, tx, s.d, username, "deleted"); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM tokens WHERE username = ?`, username); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM users WHERE username = ?`, username)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("user %q", username)
		}
		return nil
	}))
}

// keepAnAdmin refuses, inside the writing transaction, a change that takes
// username out of the enabled admins when they are the only one. On
// PostgreSQL the enabled admin rows are locked first, so that two such
// changes run one after the other and the second sees the first's result;
// SQLite's write transactions are serial already.
func keepAnAdmin(ctx context.Context, tx db, d *Dialect, username, change string) error {
	admins, err := stringsOf(ctx, tx, `SELECT username FROM users WHERE role = ? AND NOT disabled ORDER BY username`+d.ForUpdate,
		model.RoleAdmin)
	if err != nil {
		return err
	}
	if len(admins) == 1 && admins[0] == username {
		return fmt.Errorf("%w: the last enabled admin cannot be %s (%s)", model.ErrConflict, change, username)
	}
	return nil
}

// CountUsers implements store.Users.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, s.fail(err)
}
