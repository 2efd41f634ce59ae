package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// PutPlan implements store.Apps.
func (s *Store) PutPlan(ctx context.Context, p *model.Plan, createOnly bool) (*model.Plan, store.ApplyAction, error) {
	if err := p.Validate(); err != nil {
		return nil, "", err
	}
	in := *p
	in.Spec.Status = normal(in.Spec.Status)
	spec, err := jsonText(in.Spec)
	if err != nil {
		return nil, "", err
	}
	var (
		out    *model.Plan
		action store.ApplyAction
	)
	stamp := now()
	err = s.writeGlobal(ctx, func(tx db) (bool, error) {
		cur, err := getPlan(ctx, tx, in.Name, s.d.ForUpdate)
		switch {
		case errors.Is(err, model.ErrNotFound):
			var name string
			err := tx.queryRow(ctx, `INSERT INTO plans (name, description, spec, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING name`,
				in.Name, in.Description, spec, micros(stamp), micros(stamp)).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				return false, fmt.Errorf("%w: plan %q was created concurrently", model.ErrConflict, in.Name)
			}
			if err != nil {
				return false, err
			}
			in.CreatedAt, in.UpdatedAt = stamp, stamp
			out, action = &in, store.Created
			return true, nil
		case err != nil:
			return false, err
		case createOnly:
			return false, fmt.Errorf("%w: plan %s exists (PUT changes it)", model.ErrConflict, in.Name)
		}
		curSpec, err := jsonText(cur.Spec)
		if err != nil {
			return false, err
		}
		if cur.Description == in.Description && curSpec == spec {
			out, action = cur, store.Unchanged
			return false, nil
		}
		if _, err := tx.exec(ctx, `UPDATE plans SET description = ?, spec = ?, updated_at = ? WHERE name = ?`,
			in.Description, spec, micros(stamp), in.Name); err != nil {
			return false, err
		}
		in.CreatedAt, in.UpdatedAt = cur.CreatedAt, stamp
		out, action = &in, store.Updated
		return true, nil
	})
	if err != nil {
		return nil, "", s.fail(err)
	}
	return out, action, nil
}

const planColumns = `name, description, spec, created_at, updated_at`

func scanPlan(sc interface{ Scan(...any) error }) (*model.Plan, error) {
	var (
		p        model.Plan
		spec     string
		cat, uat int64
	)
	if err := sc.Scan(&p.Name, &p.Description, &spec, &cat, &uat); err != nil {
		return nil, err
	}
	if err := fromJSONText(spec, &p.Spec); err != nil {
		return nil, fmt.Errorf("decode stored plan %q: %w", p.Name, err)
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(cat), fromMicros(uat)
	return &p, nil
}

func getPlan(ctx context.Context, q db, name, lock string) (*model.Plan, error) {
	p, err := scanPlan(q.queryRow(ctx, `SELECT `+planColumns+` FROM plans WHERE name = ?`+lock, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("plan %q", name)
	}
	return p, err
}

// GetPlan implements store.Apps.
func (s *Store) GetPlan(ctx context.Context, name string) (*model.Plan, error) {
	p, err := getPlan(ctx, s.reader(), name, "")
	return p, s.fail(err)
}

// ListPlans implements store.Apps.
func (s *Store) ListPlans(ctx context.Context, page store.Page) ([]*model.Plan, string, error) {
	n := limit(page)
	q, args, err := byName(`SELECT `+planColumns+` FROM plans`, page.Cursor, n)
	if err != nil {
		return nil, "", err
	}
	items, err := queryAll(ctx, s.reader(), scanPlan, q, args...)
	if err != nil {
		return nil, "", s.fail(err)
	}
	items, next := trim(items, n, func(p *model.Plan) string { return encodeCursor(p.Name) })
	return items, next, nil
}

// byName completes a list query ordered by name, after the cursor's name.
func byName(q, cursor string, n int) (string, []any, error) {
	var afterName string
	after, err := decodeCursor(cursor, &afterName)
	if err != nil {
		return "", nil, err
	}
	var args []any
	if after {
		q += ` WHERE name > ?`
		args = append(args, afterName)
	}
	if n > 0 {
		q += fmt.Sprintf(` ORDER BY name LIMIT %d`, n+1)
	} else {
		q += ` ORDER BY name`
	}
	return q, args, nil
}

// DeletePlan implements store.Apps.
func (s *Store) DeletePlan(ctx context.Context, name string) error {
	return s.fail(s.writeGlobal(ctx, func(tx db) (bool, error) {
		if _, err := getPlan(ctx, tx, name, s.d.ForUpdate); err != nil {
			return false, err
		}
		users, err := stringsOf(ctx, tx, `SELECT DISTINCT application FROM subscriptions WHERE plan = ? ORDER BY application`, name)
		if err != nil {
			return false, err
		}
		if len(users) > 0 {
			return false, fmt.Errorf("%w: plan %q is used by the subscriptions of %s", model.ErrInUse, name, joinList(users))
		}
		_, err = tx.exec(ctx, `DELETE FROM plans WHERE name = ?`, name)
		return err == nil, err
	}))
}

// jsonText encodes a spec for a TEXT column.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("%w: %v", model.ErrInvalid, err)
	}
	return string(b), nil
}

func fromJSONText(s string, v any) error { return json.Unmarshal([]byte(s), v) }
