package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/secret"
	"github.com/portico-dev/portico/internal/store"
)

// ApplyComponents implements store.Components.
func (s *Store) ApplyComponents(ctx context.Context, comps []*model.Component, actor string) ([]store.ApplyResult, error) {
	return s.Apply(ctx, comps, nil, actor)
}

// Apply implements store.Components. Rows are locked in kind/name order
// whatever the request's order, so that two applies naming the same things
// cannot deadlock on PostgreSQL; results keep the request's order.
func (s *Store) Apply(ctx context.Context, comps []*model.Component, envs []*model.Environment, actor string) ([]store.ApplyResult, error) {
	results, _, err := s.ApplyWithConsumers(ctx, comps, envs, nil, actor)
	return results, err
}

// apply validates comps and envs and returns the function that saves them
// inside a write transaction, filling results[:len(comps)+len(envs)].
func (s *Store) apply(comps []*model.Component, envs []*model.Environment, actor string, stamp time.Time) (func(ctx context.Context, tx db, results []store.ApplyResult) error, error) {
	for _, c := range comps {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", c.Kind, c.Name, err)
		}
	}
	specs := make([][]byte, len(envs))
	for i, env := range envs {
		if err := env.Validate(); err != nil {
			return nil, fmt.Errorf("environment %s: %w", env.Name, err)
		}
		b, err := json.Marshal(env.Spec)
		if err != nil {
			return nil, fmt.Errorf("%w: environment %s spec: %v", model.ErrInvalid, env.Name, err)
		}
		specs[i] = b
	}
	compOrder := sortedIndexes(len(comps), func(i, j int) int {
		return cmp.Or(cmp.Compare(comps[i].Kind, comps[j].Kind), cmp.Compare(comps[i].Name, comps[j].Name))
	})
	envOrder := sortedIndexes(len(envs), func(i, j int) int { return cmp.Compare(envs[i].Name, envs[j].Name) })
	return func(ctx context.Context, tx db, results []store.ApplyResult) error {
		for _, i := range compOrder {
			c := comps[i]
			r, err := applyOne(ctx, tx, s.d, c, actor, stamp)
			if err != nil {
				return fmt.Errorf("apply %s: %w", c.Ref(), err)
			}
			results[i] = r
		}
		for _, i := range envOrder {
			env := envs[i]
			saved, action, err := putEnvironment(ctx, tx, s.d, env, specs[i], stamp)
			if err != nil {
				return fmt.Errorf("apply environment %s: %w", env.Name, err)
			}
			results[len(comps)+i] = store.ApplyResult{Kind: store.KindEnvironment, Name: saved.Name, Action: action, Revision: int(saved.Revision)}
		}
		return nil
	}, nil
}

// sortedIndexes returns 0..n-1 sorted by compare.
func sortedIndexes(n int, compare func(i, j int) int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, compare)
	return idx
}

// applyOne saves c unless its content equals the current revision, and sets
// the store's fields on c.
func applyOne(ctx context.Context, tx db, d *Dialect, c *model.Component, actor string, stamp time.Time) (store.ApplyResult, error) {
	hash, err := contentHash(tx.k, c)
	if err != nil {
		return store.ApplyResult{}, fmt.Errorf("%w: hash: %v", model.ErrInvalid, err)
	}
	// The placeholder row (revision 0) gives concurrent appliers one row to
	// lock, even for a component that does not exist yet.
	if _, err := tx.exec(ctx, `INSERT INTO components (kind, name, revision, deleted, created_at)
		VALUES (?, ?, 0, TRUE, ?) ON CONFLICT (kind, name) DO NOTHING`, c.Kind, c.Name, micros(stamp)); err != nil {
		return store.ApplyResult{}, err
	}
	var (
		rev       int
		deleted   bool
		createdAt int64
	)
	if err := tx.queryRow(ctx, `SELECT revision, deleted, created_at FROM components WHERE kind = ? AND name = ?`+d.ForUpdate,
		c.Kind, c.Name).Scan(&rev, &deleted, &createdAt); err != nil {
		return store.ApplyResult{}, err
	}
	res := store.ApplyResult{Kind: c.Kind, Name: c.Name}
	if rev > 0 && !deleted {
		var curHash, curContent, by string
		var at int64
		if err := tx.queryRow(ctx, `SELECT hash, content, created_at, created_by FROM component_revisions
			WHERE kind = ? AND name = ? AND revision = ?`, c.Kind, c.Name, rev).Scan(&curHash, &curContent, &at, &by); err != nil {
			return store.ApplyResult{}, err
		}
		same := curHash == hash
		if !same && tx.k != nil {
			// Hashes made with an earlier key differ for equal secrets;
			// equal clear content is still unchanged.
			if same, err = sameContent(tx.k, c, curContent); err != nil {
				return store.ApplyResult{}, err
			}
		}
		if same {
			c.Revision, c.Hash, c.CreatedAt, c.UpdatedAt, c.UpdatedBy = rev, curHash, fromMicros(createdAt), fromMicros(at), by
			res.Action, res.Revision, res.Hash = store.Unchanged, rev, curHash
			return res, nil
		}
	}
	content, err := storedContent(tx.k, c)
	if err != nil {
		return store.ApplyResult{}, fmt.Errorf("%w: encode: %v", model.ErrInvalid, err)
	}
	res.Action = store.Updated
	if rev == 0 {
		res.Action = store.Created
		createdAt = micros(stamp)
	}
	rev++
	if _, err := tx.exec(ctx, `INSERT INTO component_revisions (kind, name, revision, hash, content, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.Kind, c.Name, rev, hash, string(content), micros(stamp), actor); err != nil {
		return store.ApplyResult{}, err
	}
	for _, ref := range c.Spec.References() {
		if d.ForShare != "" {
			// Wait for a concurrent delete of ref to finish (or make it
			// wait), so that it cannot miss this new referrer.
			rows, err := tx.query(ctx, `SELECT kind FROM components WHERE kind = ? AND name = ?`+d.ForShare, ref.Kind, ref.Name)
			if err != nil {
				return store.ApplyResult{}, err
			}
			rows.Close()
		}
		if _, err := tx.exec(ctx, `INSERT INTO component_refs (kind, name, revision, ref_kind, ref_name)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, c.Kind, c.Name, rev, ref.Kind, ref.Name); err != nil {
			return store.ApplyResult{}, err
		}
	}
	if _, err := tx.exec(ctx, `UPDATE components SET revision = ?, deleted = FALSE WHERE kind = ? AND name = ?`,
		rev, c.Kind, c.Name); err != nil {
		return store.ApplyResult{}, err
	}
	c.Revision, c.Hash, c.CreatedAt, c.UpdatedAt, c.UpdatedBy = rev, hash, fromMicros(createdAt), stamp, actor
	res.Revision, res.Hash = rev, hash
	return res, nil
}

const componentColumns = `r.kind, r.name, r.revision, r.hash, r.content, c.created_at, r.created_at, r.created_by`

// scanComponent reads componentColumns, opening secrets with k.
func scanComponent(sc interface{ Scan(...any) error }, k *secret.Keyring) (*model.Component, error) {
	var (
		kind, name, hash, content, by string
		rev                           int
		created, updated              int64
	)
	if err := sc.Scan(&kind, &name, &rev, &hash, &content, &created, &updated, &by); err != nil {
		return nil, err
	}
	var c model.Component
	if err := json.Unmarshal([]byte(content), &c); err != nil {
		return nil, fmt.Errorf("decode stored %s/%s revision %d: %w", kind, name, rev, err)
	}
	if err := openSecrets(k, &c); err != nil {
		return nil, fmt.Errorf("revision %d: %w", rev, err)
	}
	c.Revision, c.Hash, c.CreatedAt, c.UpdatedAt, c.UpdatedBy = rev, hash, fromMicros(created), fromMicros(updated), by
	return &c, nil
}

// GetComponent implements store.Components.
func (s *Store) GetComponent(ctx context.Context, ref model.Ref) (*model.Component, error) {
	c, err := getComponent(ctx, s.reader(), ref)
	return c, s.fail(err)
}

func getComponent(ctx context.Context, q db, ref model.Ref) (*model.Component, error) {
	c, err := scanComponent(q.queryRow(ctx, `SELECT `+componentColumns+`
		FROM components c JOIN component_revisions r ON r.kind = c.kind AND r.name = c.name AND r.revision = c.revision
		WHERE c.kind = ? AND c.name = ? AND NOT c.deleted`, ref.Kind, ref.Name), q.k)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("component %s", ref)
	}
	return c, err
}

// ListComponents implements store.Components.
func (s *Store) ListComponents(ctx context.Context, kind model.Kind, page store.Page) ([]*model.Component, string, error) {
	n := limit(page)
	var afterKind, afterName string
	after, err := decodeCursor(page.Cursor, &afterKind, &afterName)
	if err != nil {
		return nil, "", err
	}
	var where []string
	var args []any
	if kind != "" {
		where = append(where, "c.kind = ?")
		args = append(args, kind)
	}
	if after {
		where = append(where, "(c.kind > ? OR (c.kind = ? AND c.name > ?))")
		args = append(args, afterKind, afterKind, afterName)
	}
	q := `SELECT ` + componentColumns + `
		FROM components c JOIN component_revisions r ON r.kind = c.kind AND r.name = c.name AND r.revision = c.revision
		WHERE NOT c.deleted`
	for _, w := range where {
		q += " AND " + w
	}
	q += fmt.Sprintf(" ORDER BY c.kind, c.name LIMIT %d", n+1)
	items, err := queryComponents(ctx, s.reader(), q, args...)
	if err != nil {
		return nil, "", s.fail(err)
	}
	items, next := trim(items, n, func(c *model.Component) string { return encodeCursor(c.Kind, c.Name) })
	return items, next, nil
}

func queryComponents(ctx context.Context, q db, query string, args ...any) ([]*model.Component, error) {
	return queryAll(ctx, q, func(sc rowScanner) (*model.Component, error) { return scanComponent(sc, q.k) }, query, args...)
}

// DeleteComponent implements store.Components.
func (s *Store) DeleteComponent(ctx context.Context, ref model.Ref, actor string) error {
	err := s.write(ctx, func(tx db) error {
		var deleted bool
		err := tx.queryRow(ctx, `SELECT deleted FROM components WHERE kind = ? AND name = ?`+s.d.ForUpdate,
			ref.Kind, ref.Name).Scan(&deleted)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && deleted) {
			return notFound("component %s", ref)
		}
		if err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT DISTINCT c.kind, c.name FROM component_refs x
			JOIN components c ON c.kind = x.kind AND c.name = x.name AND c.revision = x.revision
			WHERE x.ref_kind = ? AND x.ref_name = ? AND NOT c.deleted
			ORDER BY c.kind, c.name`, ref.Kind, ref.Name)
		if err != nil {
			return err
		}
		var users []string
		for rows.Next() {
			var r model.Ref
			if err := rows.Scan(&r.Kind, &r.Name); err != nil {
				rows.Close()
				return err
			}
			if r != ref { // a process calling itself does not keep itself alive
				users = append(users, r.String())
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(users) > 0 {
			return fmt.Errorf("%w: %s is used by %s", model.ErrInUse, ref, strings.Join(users, ", "))
		}
		_, err = tx.exec(ctx, `UPDATE components SET deleted = TRUE WHERE kind = ? AND name = ?`, ref.Kind, ref.Name)
		return err
	})
	if err == nil {
		s.log.Debug("component deleted", "component", ref.String(), "actor", actor)
	}
	return s.fail(err)
}

// ListRevisions implements store.Components.
func (s *Store) ListRevisions(ctx context.Context, ref model.Ref, page store.Page) ([]*model.Component, string, error) {
	n := limit(page)
	var before int
	after, err := decodeCursor(page.Cursor, &before)
	if err != nil {
		return nil, "", err
	}
	q := `SELECT ` + componentColumns + `
		FROM components c JOIN component_revisions r ON r.kind = c.kind AND r.name = c.name
		WHERE c.kind = ? AND c.name = ?`
	args := []any{ref.Kind, ref.Name}
	if after {
		q += " AND r.revision < ?"
		args = append(args, before)
	}
	q += fmt.Sprintf(" ORDER BY r.revision DESC LIMIT %d", n+1)
	items, err := queryComponents(ctx, s.reader(), q, args...)
	if err != nil {
		return nil, "", s.fail(err)
	}
	if len(items) == 0 && !after {
		var one int
		err := s.reader().queryRow(ctx, `SELECT 1 FROM components WHERE kind = ? AND name = ? AND revision > 0`, ref.Kind, ref.Name).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", notFound("component %s", ref)
		}
		if err != nil {
			return nil, "", s.fail(err)
		}
	}
	items, next := trim(items, n, func(c *model.Component) string { return encodeCursor(c.Revision) })
	return items, next, nil
}

// GetRevision implements store.Components.
func (s *Store) GetRevision(ctx context.Context, ref model.Ref, revision int) (*model.Component, error) {
	c, err := scanComponent(s.reader().queryRow(ctx, `SELECT `+componentColumns+`
		FROM components c JOIN component_revisions r ON r.kind = c.kind AND r.name = c.name
		WHERE c.kind = ? AND c.name = ? AND r.revision = ?`, ref.Kind, ref.Name, revision), s.keys)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("component %s revision %d", ref, revision)
	}
	return c, s.fail(err)
}
