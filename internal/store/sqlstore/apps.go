package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// Plans and applications are global, so a write that changes one bumps the
// revision of every environment. writeGlobal runs such a write: it first
// locks every environment row in name order (PostgreSQL; SQLite's write
// transaction already holds the database), so that two global writers and
// a deploy never wait on each other in a cycle, then bumps them all when
// fn reports a change.
func (s *Store) writeGlobal(ctx context.Context, fn func(tx db) (changed bool, err error)) error {
	return s.write(ctx, func(tx db) error {
		if _, err := stringsOf(ctx, tx, `SELECT name FROM environments ORDER BY name`+s.d.ForUpdate); err != nil {
			return err
		}
		changed, err := fn(tx)
		if err != nil || !changed {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE environments SET revision = revision + 1`)
		return err
	})
}

// normal returns s with "" read as active, the form the store keeps.
func normal(s model.Status) model.Status {
	if s == "" {
		return model.StatusActive
	}
	return s
}

// PutApplication implements store.Apps.
func (s *Store) PutApplication(ctx context.Context, a *model.Application, createOnly bool) (*model.Application, store.ApplyAction, error) {
	if err := a.Validate(); err != nil {
		return nil, "", err
	}
	in := *a
	in.Spec.Status = normal(in.Spec.Status)
	var (
		out    *model.Application
		action store.ApplyAction
	)
	stamp := now()
	err := s.writeGlobal(ctx, func(tx db) (bool, error) {
		if err := plansExist(ctx, tx, in.Spec.Subscriptions, s.d.ForShare); err != nil {
			return false, err
		}
		cur, err := getApplicationRow(ctx, tx, in.Name, s.d.ForUpdate)
		switch {
		case errors.Is(err, model.ErrNotFound):
			var name string
			err := tx.queryRow(ctx, `INSERT INTO applications (name, description, owner, contact, status, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING name`,
				in.Name, in.Description, in.Spec.Owner, in.Spec.Contact, in.Spec.Status, micros(stamp), micros(stamp)).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				return false, fmt.Errorf("%w: application %q was created concurrently", model.ErrConflict, in.Name)
			}
			if err != nil {
				return false, err
			}
			action = store.Created
		case err != nil:
			return false, err
		case createOnly:
			return false, fmt.Errorf("%w: application %s exists (PUT changes it)", model.ErrConflict, in.Name)
		default:
			subs, err := subscriptionsOf(ctx, tx, in.Name)
			if err != nil {
				return false, err
			}
			if cur.Description == in.Description && cur.Spec.Owner == in.Spec.Owner && cur.Spec.Contact == in.Spec.Contact &&
				cur.Spec.Status == in.Spec.Status && slices.Equal(subs, in.Spec.Subscriptions) {
				action = store.Unchanged
				out, err = getApplication(ctx, tx, in.Name, "")
				return false, err
			}
			if _, err := tx.exec(ctx, `UPDATE applications SET description = ?, owner = ?, contact = ?, status = ?, updated_at = ? WHERE name = ?`,
				in.Description, in.Spec.Owner, in.Spec.Contact, in.Spec.Status, micros(stamp), in.Name); err != nil {
				return false, err
			}
			if _, err := tx.exec(ctx, `DELETE FROM subscriptions WHERE application = ?`, in.Name); err != nil {
				return false, err
			}
			action = store.Updated
		}
		for i, sub := range in.Spec.Subscriptions {
			if _, err := tx.exec(ctx, `INSERT INTO subscriptions (application, api, api_version, plan, position) VALUES (?, ?, ?, ?, ?)`,
				in.Name, sub.API, sub.Version, sub.Plan, i); err != nil {
				return false, err
			}
		}
		out, err = getApplication(ctx, tx, in.Name, "")
		return true, err
	})
	if err != nil {
		return nil, "", s.fail(err)
	}
	return out, action, nil
}

// plansExist refuses subscriptions to plans that do not exist, naming the field.
func plansExist(ctx context.Context, tx db, subs []model.Subscription, lock string) error {
	var ve model.ValidationError
	for i, sub := range subs {
		if _, err := getPlan(ctx, tx, sub.Plan, lock); errors.Is(err, model.ErrNotFound) {
			ve.Fields = append(ve.Fields, model.FieldError{Path: fmt.Sprintf("spec.subscriptions[%d].plan", i), Message: fmt.Sprintf("plan %q does not exist", sub.Plan)})
		} else if err != nil {
			return err
		}
	}
	if len(ve.Fields) > 0 {
		return &ve
	}
	return nil
}

const applicationColumns = `name, description, owner, contact, status, created_at, updated_at`

func scanApplication(sc interface{ Scan(...any) error }) (*model.Application, error) {
	var (
		a        model.Application
		cat, uat int64
	)
	if err := sc.Scan(&a.Name, &a.Description, &a.Spec.Owner, &a.Spec.Contact, &a.Spec.Status, &cat, &uat); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = fromMicros(cat), fromMicros(uat)
	return &a, nil
}

// getApplicationRow reads the application without its keys and subscriptions.
func getApplicationRow(ctx context.Context, q db, name, lock string) (*model.Application, error) {
	a, err := scanApplication(q.queryRow(ctx, `SELECT `+applicationColumns+` FROM applications WHERE name = ?`+lock, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("application %q", name)
	}
	return a, err
}

func getApplication(ctx context.Context, q db, name, lock string) (*model.Application, error) {
	a, err := getApplicationRow(ctx, q, name, lock)
	if err != nil {
		return nil, err
	}
	if err := attachDetails(ctx, q, []*model.Application{a}, false); err != nil {
		return nil, err
	}
	return a, nil
}

func subscriptionsOf(ctx context.Context, q db, app string) ([]model.Subscription, error) {
	a := &model.Application{Name: app}
	if err := attachDetails(ctx, q, []*model.Application{a}, false); err != nil {
		return nil, err
	}
	return a.Spec.Subscriptions, nil
}

// attachDetails fills the keys and subscriptions of apps in two queries:
// of those named, or, with all, of every application (the snapshot).
func attachDetails(ctx context.Context, q db, apps []*model.Application, all bool) error {
	if len(apps) == 0 {
		return nil
	}
	byName := make(map[string]*model.Application, len(apps))
	where, args := "", []any{}
	for _, a := range apps {
		byName[a.Name] = a
		a.Keys, a.Spec.Subscriptions = nil, nil
		args = append(args, a.Name)
	}
	if !all {
		where = ` WHERE application IN (?` + strings.Repeat(`, ?`, len(apps)-1) + `)`
	} else {
		args = nil
	}
	rows, err := q.query(ctx, `SELECT application, api, api_version, plan FROM subscriptions`+where+` ORDER BY application, position`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var app string
		var sub model.Subscription
		if err := rows.Scan(&app, &sub.API, &sub.Version, &sub.Plan); err != nil {
			rows.Close()
			return err
		}
		if a := byName[app]; a != nil {
			a.Spec.Subscriptions = append(a.Spec.Subscriptions, sub)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.query(ctx, `SELECT application, id, prefix, hash, status, expires_at, created_at FROM application_keys`+where+` ORDER BY application, created_at, id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			app string
			k   model.APIKey
			exp *int64
			at  int64
		)
		if err := rows.Scan(&app, &k.ID, &k.Prefix, &k.Hash, &k.Status, &exp, &at); err != nil {
			return err
		}
		k.ExpiresAt, k.CreatedAt = timePtr(exp), fromMicros(at)
		if a := byName[app]; a != nil {
			a.Keys = append(a.Keys, k)
		}
	}
	return rows.Err()
}

// GetApplication implements store.Apps.
func (s *Store) GetApplication(ctx context.Context, name string) (*model.Application, error) {
	var a *model.Application
	err := s.read(ctx, func(tx db) (err error) {
		a, err = getApplication(ctx, tx, name, "")
		return err
	})
	return a, s.fail(err)
}

// ListApplications implements store.Apps.
func (s *Store) ListApplications(ctx context.Context, page store.Page) ([]*model.Application, string, error) {
	n := limit(page)
	q, args, err := byName(`SELECT `+applicationColumns+` FROM applications`, page.Cursor, n)
	if err != nil {
		return nil, "", err
	}
	var items []*model.Application
	err = s.read(ctx, func(tx db) (err error) {
		items, err = queryAll(ctx, tx, scanApplication, q, args...)
		if err != nil {
			return err
		}
		return attachDetails(ctx, tx, items, false)
	})
	if err != nil {
		return nil, "", s.fail(err)
	}
	items, next := trim(items, n, func(a *model.Application) string { return encodeCursor(a.Name) })
	return items, next, nil
}

// DeleteApplication implements store.Apps.
func (s *Store) DeleteApplication(ctx context.Context, name string) error {
	return s.fail(s.writeGlobal(ctx, func(tx db) (bool, error) {
		if _, err := getApplicationRow(ctx, tx, name, s.d.ForUpdate); err != nil {
			return false, err
		}
		for _, q := range []string{
			`DELETE FROM subscriptions WHERE application = ?`,
			`DELETE FROM application_keys WHERE application = ?`,
			`DELETE FROM applications WHERE name = ?`,
		} {
			if _, err := tx.exec(ctx, q, name); err != nil {
				return false, err
			}
		}
		return true, nil
	}))
}

// CreateAPIKey implements store.Apps.
func (s *Store) CreateAPIKey(ctx context.Context, app string, k *model.APIKey) error {
	if k.Hash == "" || k.Prefix == "" {
		return fmt.Errorf("%w: an API key needs its hash and prefix", model.ErrInvalid)
	}
	if k.Status = normal(k.Status); !k.Status.Active() && k.Status != model.StatusDisabled {
		return model.Invalidf("status", "%q is not a status (want active or disabled)", k.Status)
	}
	if k.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("key id: %w", err)
		}
		k.ID = id.String()
	}
	if k.CreatedAt.IsZero() {
		k.CreatedAt = now()
	}
	k.CreatedAt = k.CreatedAt.UTC().Truncate(time.Microsecond)
	if k.ExpiresAt != nil {
		e := k.ExpiresAt.UTC().Truncate(time.Microsecond)
		k.ExpiresAt = &e
	}
	err := s.writeGlobal(ctx, func(tx db) (bool, error) {
		if _, err := getApplicationRow(ctx, tx, app, s.d.ForUpdate); err != nil {
			return false, err
		}
		_, err := tx.exec(ctx, `INSERT INTO application_keys (id, application, prefix, hash, status, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, k.ID, app, k.Prefix, k.Hash, k.Status, nullMicros(k.ExpiresAt), micros(k.CreatedAt))
		return err == nil, err
	})
	if err != nil && s.d.Classify != nil && errors.Is(s.d.Classify(err), model.ErrConflict) {
		return fmt.Errorf("%w: an API key with this id or hash exists", model.ErrConflict)
	}
	return s.fail(err)
}

// DeleteAPIKey implements store.Apps.
func (s *Store) DeleteAPIKey(ctx context.Context, app, id string) error {
	return s.fail(s.writeGlobal(ctx, func(tx db) (bool, error) {
		res, err := tx.exec(ctx, `DELETE FROM application_keys WHERE application = ? AND id = ?`, app, id)
		if err != nil {
			return false, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = notFound("API key %q of application %q", id, app)
			}
			return false, err
		}
		return true, nil
	}))
}

// SetAPIKeyStatus implements store.Apps.
func (s *Store) SetAPIKeyStatus(ctx context.Context, app, id string, status model.Status) (*model.APIKey, error) {
	if status != model.StatusActive && status != model.StatusDisabled {
		return nil, model.Invalidf("status", "%q is not a status (want active or disabled)", status)
	}
	var out *model.APIKey
	err := s.writeGlobal(ctx, func(tx db) (bool, error) {
		a, err := getApplication(ctx, tx, app, s.d.ForUpdate)
		if err != nil {
			return false, err
		}
		for i := range a.Keys {
			if k := &a.Keys[i]; k.ID == id {
				out = k
			}
		}
		if out == nil {
			return false, notFound("API key %q of application %q", id, app)
		}
		if out.Status == status {
			return false, nil
		}
		out.Status = status
		_, err = tx.exec(ctx, `UPDATE application_keys SET status = ? WHERE application = ? AND id = ?`, status, app, id)
		return err == nil, err
	})
	if err != nil {
		return nil, s.fail(err)
	}
	return out, nil
}

// Subscribe implements store.Apps.
func (s *Store) Subscribe(ctx context.Context, app string, sub model.Subscription) (store.ApplyAction, error) {
	if err := sub.Validate(); err != nil {
		return "", err
	}
	var action store.ApplyAction
	err := s.writeGlobal(ctx, func(tx db) (bool, error) {
		if _, err := getApplicationRow(ctx, tx, app, s.d.ForUpdate); err != nil {
			return false, err
		}
		if _, err := getPlan(ctx, tx, sub.Plan, s.d.ForShare); errors.Is(err, model.ErrNotFound) {
			return false, model.Invalidf("plan", "plan %q does not exist", sub.Plan)
		} else if err != nil {
			return false, err
		}
		var plan string
		err := tx.queryRow(ctx, `SELECT plan FROM subscriptions WHERE application = ? AND api = ? AND api_version = ?`,
			app, sub.API, sub.Version).Scan(&plan)
		switch {
		case err == nil && plan == sub.Plan:
			action = store.Unchanged
			return false, nil
		case err == nil:
			action = store.Updated
			_, err = tx.exec(ctx, `UPDATE subscriptions SET plan = ? WHERE application = ? AND api = ? AND api_version = ?`,
				sub.Plan, app, sub.API, sub.Version)
			return err == nil, err
		case !errors.Is(err, sql.ErrNoRows):
			return false, err
		}
		action = store.Created
		_, err = tx.exec(ctx, `INSERT INTO subscriptions (application, api, api_version, plan, position)
			VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM subscriptions WHERE application = ?))`,
			app, sub.API, sub.Version, sub.Plan, app)
		return err == nil, err
	})
	if err != nil {
		return "", s.fail(err)
	}
	return action, nil
}

// Unsubscribe implements store.Apps.
func (s *Store) Unsubscribe(ctx context.Context, app, api, version string) error {
	return s.fail(s.writeGlobal(ctx, func(tx db) (bool, error) {
		res, err := tx.exec(ctx, `DELETE FROM subscriptions WHERE application = ? AND api = ? AND api_version = ?`, app, api, version)
		if err != nil {
			return false, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				target := model.Subscription{API: api, Version: version}
				err = notFound("subscription of application %q to %s", app, target.Target())
			}
			return false, err
		}
		return true, nil
	}))
}

// appsAndPlans reads every plan and application (keys and subscriptions
// included) for a snapshot; nil slices when there are none.
func appsAndPlans(ctx context.Context, tx db) ([]model.Plan, []model.Application, error) {
	q, args, err := byName(`SELECT `+planColumns+` FROM plans`, "", 0)
	if err != nil {
		return nil, nil, err
	}
	plans, err := queryAll(ctx, tx, scanPlan, q, args...)
	if err != nil {
		return nil, nil, err
	}
	q, args, err = byName(`SELECT `+applicationColumns+` FROM applications`, "", 0)
	if err != nil {
		return nil, nil, err
	}
	apps, err := queryAll(ctx, tx, scanApplication, q, args...)
	if err != nil {
		return nil, nil, err
	}
	if err := attachDetails(ctx, tx, apps, true); err != nil {
		return nil, nil, err
	}
	var (
		outPlans []model.Plan
		outApps  []model.Application
	)
	for _, p := range plans {
		outPlans = append(outPlans, *p)
	}
	for _, a := range apps {
		outApps = append(outApps, *a)
	}
	return outPlans, outApps, nil
}
