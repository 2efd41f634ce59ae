package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// ChangeConsumer implements store.Consumers.
func (s *Store) ChangeConsumer(ctx context.Context, name string, change store.ConsumerChange) (*store.ConsumerResult, error) {
	var res *store.ConsumerResult
	err := s.write(ctx, func(tx db) (err error) {
		res, err = changeConsumer(ctx, tx, s.d, name, change, now())
		return err
	})
	if err != nil {
		return nil, s.fail(err)
	}
	return res, nil
}

// changeConsumer runs change on the consumer called name inside tx and
// saves what it returns.
func changeConsumer(ctx context.Context, tx db, d *Dialect, name string, change store.ConsumerChange, stamp time.Time) (*store.ConsumerResult, error) {
	cur, err := getConsumer(ctx, tx, name, d.ForUpdate)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	next, err := change(cur)
	if err != nil {
		return nil, err
	}
	if next.Name != name {
		return nil, model.Invalidf("name", "the change names %q, not %q", next.Name, name)
	}
	if err := next.Validate(); err != nil {
		return nil, err
	}
	if err := environmentsExist(ctx, tx, next.Environments); err != nil {
		return nil, err
	}
	content, err := consumerContent(next)
	if err != nil {
		return nil, err
	}
	res := &store.ConsumerResult{Consumer: next}
	all := len(next.Environments) == 0
	switch {
	case cur == nil:
		res.Action = store.Created
		next.CreatedAt, next.UpdatedAt = stamp, stamp
		_, err = tx.exec(ctx, `INSERT INTO consumers (name, all_environments, content, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			name, all, content, micros(stamp), micros(stamp))
		if err != nil && d.Classify != nil && errors.Is(d.Classify(err), model.ErrConflict) {
			return nil, fmt.Errorf("%w: consumer %q was created concurrently", model.ErrConflict, name)
		}
	default:
		old, cerr := consumerContent(cur)
		if cerr != nil {
			return nil, cerr
		}
		if bytes.Equal(old, content) {
			res.Action, res.Consumer = store.Unchanged, cur
			return res, nil
		}
		res.Action = store.Updated
		next.CreatedAt, next.UpdatedAt = cur.CreatedAt, stamp
		_, err = tx.exec(ctx, `UPDATE consumers SET all_environments = ?, content = ?, updated_at = ? WHERE name = ?`,
			all, content, micros(stamp), name)
		if err == nil {
			_, err = tx.exec(ctx, `DELETE FROM consumer_environments WHERE consumer = ?`, name)
		}
	}
	if err != nil {
		return nil, err
	}
	for _, env := range next.Environments {
		if _, err := tx.exec(ctx, `INSERT INTO consumer_environments (environment, consumer) VALUES (?, ?)`, env, name); err != nil {
			return nil, err
		}
	}
	res.Environments, err = bumpConsumerEnvironments(ctx, tx, d, cur, next)
	return res, err
}

// consumerContent is the stored JSON of c: everything but its name and times.
func consumerContent(c *model.Consumer) ([]byte, error) {
	cp := *c
	cp.CreatedAt, cp.UpdatedAt = time.Time{}, time.Time{}
	b, err := json.Marshal(&cp)
	if err != nil {
		return nil, fmt.Errorf("%w: consumer %s: %v", model.ErrInvalid, c.Name, err)
	}
	return b, nil
}

// environmentsExist refuses a consumer listing an environment that does not exist.
func environmentsExist(ctx context.Context, tx db, envs []string) error {
	var ve model.ValidationError
	for i, env := range envs {
		var one int
		err := tx.queryRow(ctx, `SELECT 1 FROM environments WHERE name = ?`, env).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			ve.Fields = append(ve.Fields, model.FieldError{Path: fmt.Sprintf("spec.environments[%d]", i), Message: fmt.Sprintf("environment %q does not exist", env)})
			continue
		}
		if err != nil {
			return err
		}
	}
	if len(ve.Fields) > 0 {
		return &ve
	}
	return nil
}

// bumpConsumerEnvironments bumps the revision of every environment that
// knew a consumer before (old, nil if none) or knows it now (next, nil when
// deleted): all of them when either lists none. Rows are locked in name
// order first, so that two such changes cannot deadlock on PostgreSQL.
func bumpConsumerEnvironments(ctx context.Context, tx db, d *Dialect, old, next *model.Consumer) ([]string, error) {
	everywhere := (old != nil && len(old.Environments) == 0) || (next != nil && len(next.Environments) == 0)
	q := `SELECT name FROM environments`
	var args []any
	if !everywhere {
		var names []string
		for _, c := range []*model.Consumer{old, next} {
			if c != nil {
				names = append(names, c.Environments...)
			}
		}
		slices.Sort(names)
		names = slices.Compact(names)
		if len(names) == 0 {
			return nil, nil
		}
		q += ` WHERE name IN (?` + strings.Repeat(`, ?`, len(names)-1) + `)`
		for _, n := range names {
			args = append(args, n)
		}
	}
	envs, err := stringsOf(ctx, tx, q+` ORDER BY name`+d.ForUpdate, args...)
	if err != nil {
		return nil, err
	}
	for _, env := range envs {
		if _, err := tx.exec(ctx, `UPDATE environments SET revision = revision + 1 WHERE name = ?`, env); err != nil {
			return nil, err
		}
	}
	return envs, nil
}

const consumerColumns = `name, content, created_at, updated_at`

func scanConsumer(sc interface{ Scan(...any) error }) (*model.Consumer, error) {
	var (
		c        model.Consumer
		name     string
		content  string
		cat, uat int64
	)
	if err := sc.Scan(&name, &content, &cat, &uat); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(content), &c); err != nil {
		return nil, fmt.Errorf("decode stored consumer %q: %w", name, err)
	}
	c.Name, c.CreatedAt, c.UpdatedAt = name, fromMicros(cat), fromMicros(uat)
	return &c, nil
}

func getConsumer(ctx context.Context, q db, name, lock string) (*model.Consumer, error) {
	c, err := scanConsumer(q.queryRow(ctx, `SELECT `+consumerColumns+` FROM consumers WHERE name = ?`+lock, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("consumer %q", name)
	}
	return c, err
}

// GetConsumer implements store.Consumers.
func (s *Store) GetConsumer(ctx context.Context, name string) (*model.Consumer, error) {
	c, err := getConsumer(ctx, s.reader(), name, "")
	return c, s.fail(err)
}

// environmentConsumers is the condition on consumers that an environment's
// snapshot holds; it takes the environment name as its argument.
const environmentConsumers = `(all_environments OR name IN (SELECT consumer FROM consumer_environments WHERE environment = ?))`

// ListConsumers implements store.Consumers.
func (s *Store) ListConsumers(ctx context.Context, f store.ConsumerFilter, page store.Page) ([]*model.Consumer, string, error) {
	n := limit(page)
	var afterName string
	after, err := decodeCursor(page.Cursor, &afterName)
	if err != nil {
		return nil, "", err
	}
	var (
		where []string
		args  []any
	)
	if f.Environment != "" {
		where = append(where, environmentConsumers)
		args = append(args, f.Environment)
	}
	if after {
		where = append(where, `name > ?`)
		args = append(args, afterName)
	}
	q := `SELECT ` + consumerColumns + ` FROM consumers`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	items, err := queryAll(ctx, s.reader(), scanConsumer, q+fmt.Sprintf(` ORDER BY name LIMIT %d`, n+1), args...)
	if err != nil {
		return nil, "", s.fail(err)
	}
	items, next := trim(items, n, func(c *model.Consumer) string { return encodeCursor(c.Name) })
	return items, next, nil
}

// snapshotConsumers lists the consumers env's snapshot holds, by name.
func snapshotConsumers(ctx context.Context, tx db, env string) ([]model.Consumer, error) {
	items, err := queryAll(ctx, tx, scanConsumer, `SELECT `+consumerColumns+` FROM consumers WHERE `+environmentConsumers+` ORDER BY name`, env)
	if err != nil {
		return nil, err
	}
	out := make([]model.Consumer, len(items))
	for i, c := range items {
		out[i] = *c
	}
	return out, nil
}

// DeleteConsumer implements store.Consumers.
func (s *Store) DeleteConsumer(ctx context.Context, name string) ([]string, error) {
	var bumped []string
	err := s.write(ctx, func(tx db) error {
		cur, err := getConsumer(ctx, tx, name, s.d.ForUpdate)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM consumer_environments WHERE consumer = ?`, name); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM consumers WHERE name = ?`, name); err != nil {
			return err
		}
		bumped, err = bumpConsumerEnvironments(ctx, tx, s.d, cur, nil)
		return err
	})
	if err != nil {
		return nil, s.fail(err)
	}
	return bumped, nil
}

// ApplyWithConsumers implements store.Consumers.
func (s *Store) ApplyWithConsumers(ctx context.Context, comps []*model.Component, envs []*model.Environment, consumers []store.NamedConsumerChange, actor string) ([]store.ApplyResult, []string, error) {
	stamp := now()
	save, err := s.apply(comps, envs, actor, stamp)
	if err != nil {
		return nil, nil, err
	}
	order := sortedIndexes(len(consumers), func(i, j int) int { return strings.Compare(consumers[i].Name, consumers[j].Name) })
	var (
		results []store.ApplyResult
		bumped  []string
	)
	err = s.write(ctx, func(tx db) error {
		results = make([]store.ApplyResult, len(comps)+len(envs)+len(consumers))
		bumped = nil
		if err := save(ctx, tx, results); err != nil {
			return err
		}
		base := len(comps) + len(envs)
		for _, i := range order {
			c := consumers[i]
			res, err := changeConsumer(ctx, tx, s.d, c.Name, c.Change, stamp)
			if err != nil {
				return fmt.Errorf("apply user %s: %w", c.Name, err)
			}
			results[base+i] = store.ApplyResult{Kind: store.KindConsumer, Name: c.Name, Action: res.Action}
			bumped = append(bumped, res.Environments...)
		}
		return nil
	})
	if err != nil {
		return nil, nil, s.fail(err)
	}
	slices.Sort(bumped)
	return results, slices.Compact(bumped), nil
}

// noConsumerLists refuses to delete an environment that API users list:
// dropping it from their lists could leave one with none, which means every
// environment, and so widen what it may reach.
func noConsumerLists(ctx context.Context, tx db, env string) error {
	users, err := stringsOf(ctx, tx, `SELECT consumer FROM consumer_environments WHERE environment = ? ORDER BY consumer LIMIT 11`, env)
	if err != nil || len(users) == 0 {
		return err
	}
	more := ""
	if len(users) > 10 {
		users, more = users[:10], ", ..."
	}
	return fmt.Errorf("%w: environment %q is listed by the API users %s%s (change their environments first)", model.ErrInUse, env, joinList(users), more)
}
