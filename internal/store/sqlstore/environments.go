package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// PutEnvironment implements store.Environments.
func (s *Store) PutEnvironment(ctx context.Context, env *model.Environment) (*model.Environment, bool, error) {
	if err := env.Validate(); err != nil {
		return nil, false, err
	}
	spec, err := json.Marshal(env.Spec)
	if err != nil {
		return nil, false, fmt.Errorf("%w: environment spec: %v", model.ErrInvalid, err)
	}
	var (
		out    *model.Environment
		action store.ApplyAction
	)
	stamp := now()
	err = s.write(ctx, func(tx db) (err error) {
		out, action, err = putEnvironment(ctx, tx, s.d, env, spec, stamp)
		return err
	})
	if err != nil {
		return nil, false, s.fail(err)
	}
	return out, action != store.Unchanged, nil
}

// putEnvironment creates or updates env (spec is its encoded Spec) inside
// tx and says which it did.
func putEnvironment(ctx context.Context, tx db, d *Dialect, env *model.Environment, spec []byte, stamp time.Time) (*model.Environment, store.ApplyAction, error) {
	cur, err := getEnvironment(ctx, tx, env.Name, d.ForUpdate)
	switch {
	case errors.Is(err, model.ErrNotFound):
		out, err := insertEnvironment(ctx, tx, env, spec, stamp)
		if err != nil {
			return nil, "", err
		}
		if out == nil {
			return nil, "", fmt.Errorf("%w: environment %q was created concurrently", model.ErrConflict, env.Name)
		}
		return out, store.Created, nil
	case err != nil:
		return nil, "", err
	}
	curSpec, err := json.Marshal(cur.Spec)
	if err != nil {
		return nil, "", err
	}
	if cur.Description == env.Description && bytes.Equal(curSpec, spec) {
		return cur, store.Unchanged, nil
	}
	out := cur
	out.Description, out.Spec, out.UpdatedAt = env.Description, env.Spec, stamp
	err = tx.queryRow(ctx, `UPDATE environments SET description = ?, spec = ?, revision = revision + 1, updated_at = ?
		WHERE name = ? RETURNING revision`, env.Description, string(spec), micros(stamp), env.Name).Scan(&out.Revision)
	if err != nil {
		return nil, "", err
	}
	return out, store.Updated, nil
}

// insertEnvironment inserts env at revision 1. A name already taken,
// committed or not, returns nil without an error: the insert itself decides,
// so that two concurrent creators cannot both succeed.
func insertEnvironment(ctx context.Context, tx db, env *model.Environment, spec []byte, stamp time.Time) (*model.Environment, error) {
	var name string
	err := tx.queryRow(ctx, `INSERT INTO environments (name, description, spec, revision, created_at, updated_at)
		VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING name`,
		env.Name, env.Description, string(spec), micros(stamp), micros(stamp)).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &model.Environment{Name: env.Name, Description: env.Description, Spec: env.Spec, Revision: 1, CreatedAt: stamp, UpdatedAt: stamp}, nil
}

// CreateEnvironment implements store.Environments.
func (s *Store) CreateEnvironment(ctx context.Context, env *model.Environment) (*model.Environment, error) {
	if err := env.Validate(); err != nil {
		return nil, err
	}
	spec, err := json.Marshal(env.Spec)
	if err != nil {
		return nil, fmt.Errorf("%w: environment spec: %v", model.ErrInvalid, err)
	}
	var out *model.Environment
	err = s.write(ctx, func(tx db) (err error) {
		out, err = insertEnvironment(ctx, tx, env, spec, now())
		if err == nil && out == nil {
			err = fmt.Errorf("%w: environment %s exists (PUT changes it)", model.ErrConflict, env.Name)
		}
		return err
	})
	if err != nil {
		return nil, s.fail(err)
	}
	return out, nil
}

const environmentColumns = `name, description, spec, revision, created_at, updated_at`

func scanEnvironment(sc interface{ Scan(...any) error }) (*model.Environment, error) {
	var (
		e        model.Environment
		spec     string
		cat, uat int64
	)
	if err := sc.Scan(&e.Name, &e.Description, &spec, &e.Revision, &cat, &uat); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(spec), &e.Spec); err != nil {
		return nil, fmt.Errorf("decode stored environment %q: %w", e.Name, err)
	}
	e.CreatedAt, e.UpdatedAt = fromMicros(cat), fromMicros(uat)
	return &e, nil
}

func getEnvironment(ctx context.Context, q db, name, lock string) (*model.Environment, error) {
	e, err := scanEnvironment(q.queryRow(ctx, `SELECT `+environmentColumns+` FROM environments WHERE name = ?`+lock, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("environment %q", name)
	}
	return e, err
}

// GetEnvironment implements store.Environments.
func (s *Store) GetEnvironment(ctx context.Context, name string) (*model.Environment, error) {
	e, err := getEnvironment(ctx, s.reader(), name, "")
	return e, s.fail(err)
}

// ListEnvironments implements store.Environments.
func (s *Store) ListEnvironments(ctx context.Context, page store.Page) ([]*model.Environment, string, error) {
	n := limit(page)
	var afterName string
	after, err := decodeCursor(page.Cursor, &afterName)
	if err != nil {
		return nil, "", err
	}
	q := `SELECT ` + environmentColumns + ` FROM environments`
	var args []any
	if after {
		q += ` WHERE name > ?`
		args = append(args, afterName)
	}
	q += fmt.Sprintf(` ORDER BY name LIMIT %d`, n+1)
	items, err := queryAll(ctx, s.reader(), scanEnvironment, q, args...)
	if err != nil {
		return nil, "", s.fail(err)
	}
	items, next := trim(items, n, func(e *model.Environment) string { return encodeCursor(e.Name) })
	return items, next, nil
}

// DeleteEnvironment implements store.Environments. Its history goes with it.
func (s *Store) DeleteEnvironment(ctx context.Context, name string) error {
	return s.fail(s.write(ctx, func(tx db) error {
		if _, err := getEnvironment(ctx, tx, name, s.d.ForUpdate); err != nil {
			return err
		}
		active, err := stringsOf(ctx, tx, `SELECT kind || '/' || name || '@' || version FROM deployments
			WHERE environment = ? AND active ORDER BY kind, name, api_version`, name)
		if err != nil {
			return err
		}
		if len(active) > 0 {
			return fmt.Errorf("%w: environment %q still serves %s", model.ErrInUse, name, joinList(active))
		}
		if err := noConsumerLists(ctx, tx, name); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM deployments WHERE environment = ?`, name); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM environments WHERE name = ?`, name)
		return err
	}))
}
