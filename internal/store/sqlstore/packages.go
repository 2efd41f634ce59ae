package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// CreatePackage implements store.Packages.
func (s *Store) CreatePackage(ctx context.Context, root model.Ref, version, notes, actor string) (*model.Package, error) {
	if err := model.ValidatePackageRequest(root, version, notes); err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("package id: %w", err)
	}
	p := &model.Package{ID: id.String(), Component: root, Version: version, Notes: notes, CreatedAt: now(), CreatedBy: actor}
	err = s.write(ctx, func(tx db) error {
		if s.d.PackageLock != "" {
			if _, err := tx.exec(ctx, s.d.PackageLock); err != nil {
				return err
			}
		}
		if err := packageVersionFree(ctx, tx, root, version); err != nil {
			return err
		}
		rc, err := getComponent(ctx, tx, root)
		if err != nil {
			return err
		}
		comps, err := model.ResolvePackage(rc, func(r model.Ref) (*model.Component, error) { return getComponent(ctx, tx, r) })
		if err != nil {
			return fmt.Errorf("package %s@%s: %w", root, version, err)
		}
		p.Revision = rc.Revision
		switch sp := rc.Spec.(type) {
		case *model.APISpec:
			p.BasePath, p.APIVersion = sp.BasePath, sp.Version
		case *model.ProxySpec:
			p.BasePath, p.APIVersion = sp.BasePath, sp.Version
		}
		if _, err := tx.exec(ctx, `INSERT INTO packages (id, kind, name, version, notes, revision, base_path, api_version, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, root.Kind, root.Name, version, notes, p.Revision,
			p.BasePath, p.APIVersion, micros(p.CreatedAt), actor); err != nil {
			if s.d.Classify != nil && errors.Is(s.d.Classify(err), model.ErrConflict) {
				return fmt.Errorf("%w: package %s@%s already exists", model.ErrConflict, root, version)
			}
			return err
		}
		p.Contents = make([]model.PinnedRevision, len(comps))
		for i, c := range comps {
			p.Contents[i] = model.PinnedRevision{Kind: c.Kind, Name: c.Name, Revision: c.Revision, Hash: c.Hash}
			if _, err := tx.exec(ctx, `INSERT INTO package_contents (package_id, position, kind, name, revision, hash)
				VALUES (?, ?, ?, ?, ?, ?)`, p.ID, i, c.Kind, c.Name, c.Revision, c.Hash); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, s.fail(err)
	}
	return p, nil
}

func packageVersionFree(ctx context.Context, tx db, root model.Ref, version string) error {
	var id string
	err := tx.queryRow(ctx, `SELECT id FROM packages WHERE kind = ? AND name = ? AND version = ?`, root.Kind, root.Name, version).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return fmt.Errorf("%w: package %s@%s already exists", model.ErrConflict, root, version)
}

const packageColumns = `id, kind, name, version, notes, revision, base_path, api_version, created_at, created_by`

// scanPackage reads packageColumns, then the columns of extra.
func scanPackage(sc interface{ Scan(...any) error }, extra ...any) (*model.Package, error) {
	var p model.Package
	var at int64
	dest := append([]any{&p.ID, &p.Component.Kind, &p.Component.Name, &p.Version, &p.Notes, &p.Revision,
		&p.BasePath, &p.APIVersion, &at, &p.CreatedBy}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	p.CreatedAt = fromMicros(at)
	return &p, nil
}

// loadContents fills the pinned revisions of ps.
func loadContents(ctx context.Context, q db, ps ...*model.Package) error {
	for _, p := range ps {
		rows, err := q.query(ctx, `SELECT kind, name, revision, hash FROM package_contents WHERE package_id = ? ORDER BY position`, p.ID)
		if err != nil {
			return err
		}
		p.Contents = []model.PinnedRevision{}
		for rows.Next() {
			var c model.PinnedRevision
			if err := rows.Scan(&c.Kind, &c.Name, &c.Revision, &c.Hash); err != nil {
				rows.Close()
				return err
			}
			p.Contents = append(p.Contents, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// getPackage reads one package with its contents; lock is appended to the
// SELECT (a Dialect lock clause or "").
func getPackage(ctx context.Context, q db, id, lock string) (*model.Package, error) {
	p, err := scanPackage(q.queryRow(ctx, `SELECT `+packageColumns+` FROM packages WHERE id = ?`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("package %q", id)
	}
	if err != nil {
		return nil, err
	}
	return p, loadContents(ctx, q, p)
}

// GetPackage implements store.Packages.
func (s *Store) GetPackage(ctx context.Context, id string) (*model.Package, error) {
	var p *model.Package
	err := s.read(ctx, func(tx db) (err error) {
		p, err = getPackage(ctx, tx, id, "")
		return err
	})
	return p, s.fail(err)
}

// FindPackage implements store.Packages.
func (s *Store) FindPackage(ctx context.Context, root model.Ref, version string) (*model.Package, error) {
	var p *model.Package
	err := s.read(ctx, func(tx db) (err error) {
		p, err = findPackage(ctx, tx, root, version)
		return err
	})
	return p, s.fail(err)
}

func findPackage(ctx context.Context, q db, root model.Ref, version string) (*model.Package, error) {
	p, err := scanPackage(q.queryRow(ctx, `SELECT `+packageColumns+` FROM packages WHERE kind = ? AND name = ? AND version = ?`,
		root.Kind, root.Name, version))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("package %s@%s", root, version)
	}
	if err != nil {
		return nil, err
	}
	return p, loadContents(ctx, q, p)
}

// ListPackages implements store.Packages: newest first by insert sequence,
// which is also the cursor.
func (s *Store) ListPackages(ctx context.Context, root *model.Ref, page store.Page) ([]*model.Package, string, error) {
	n := limit(page)
	var beforeSeq int64
	after, err := decodeCursor(page.Cursor, &beforeSeq)
	if err != nil {
		return nil, "", err
	}
	q := `SELECT ` + packageColumns + `, seq FROM packages WHERE 1 = 1`
	var args []any
	if root != nil {
		q += ` AND kind = ? AND name = ?`
		args = append(args, root.Kind, root.Name)
	}
	if after {
		q += ` AND seq < ?`
		args = append(args, beforeSeq)
	}
	q += fmt.Sprintf(` ORDER BY seq DESC LIMIT %d`, n+1)
	var (
		items []*model.Package
		seqs  map[*model.Package]int64
	)
	err = s.read(ctx, func(tx db) error {
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return err
		}
		items, seqs = nil, map[*model.Package]int64{}
		for rows.Next() {
			var seq int64
			p, err := scanPackage(rows, &seq)
			if err != nil {
				rows.Close()
				return err
			}
			items = append(items, p)
			seqs[p] = seq
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(items) > n {
			return loadContents(ctx, tx, items[:n]...)
		}
		return loadContents(ctx, tx, items...)
	})
	if err != nil {
		return nil, "", s.fail(err)
	}
	items, next := trim(items, n, func(p *model.Package) string { return encodeCursor(seqs[p]) })
	return items, next, nil
}

// DeletePackage implements store.Packages.
func (s *Store) DeletePackage(ctx context.Context, id string) error {
	return s.fail(s.write(ctx, func(tx db) error {
		p, err := getPackage(ctx, tx, id, s.d.ForUpdate)
		if err != nil {
			return err
		}
		envs, err := stringsOf(ctx, tx, `SELECT environment FROM deployments WHERE package_id = ? AND active ORDER BY environment`, id)
		if err != nil {
			return err
		}
		if len(envs) > 0 {
			return fmt.Errorf("%w: package %s@%s is deployed to %s", model.ErrInUse, p.Component, p.Version, joinList(envs))
		}
		_, err = tx.exec(ctx, `DELETE FROM packages WHERE id = ?`, id)
		return err
	}))
}

// stringsOf runs a query of one text column.
func stringsOf(ctx context.Context, q db, query string, args ...any) ([]string, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
