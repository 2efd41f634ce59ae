package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// event is a deployments row: the Deployment and its position in history.
type event struct {
	seq int64
	d   *model.Deployment
}

const deploymentColumns = `seq, id, environment, package_id, kind, name, version, api_version, action, active, snapshot_revision, created_at, created_by`

func scanEvent(sc interface{ Scan(...any) error }) (event, error) {
	var (
		e  = event{d: &model.Deployment{}}
		at int64
	)
	d := e.d
	err := sc.Scan(&e.seq, &d.ID, &d.Environment, &d.PackageID, &d.Component.Kind, &d.Component.Name, &d.Version,
		&d.APIVersion, &d.Action, &d.Active, &d.SnapshotRevision, &at, &d.CreatedBy)
	d.CreatedAt = fromMicros(at)
	return e, err
}

// bumpRevision is the first statement of every deployment change: it takes
// the environment row's lock (PostgreSQL), so that changes to one
// environment happen one at a time, and numbers the new snapshot.
func bumpRevision(ctx context.Context, tx db, env string) (int64, error) {
	var rev int64
	err := tx.queryRow(ctx, `UPDATE environments SET revision = revision + 1 WHERE name = ? RETURNING revision`, env).Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("environment %q", env)
	}
	return rev, err
}

// activeOf lists what root serves in env, by API version; apiVersion != ""
// keeps that slot only.
func activeOf(ctx context.Context, tx db, env string, root model.Ref, apiVersion string) ([]event, error) {
	q := `SELECT ` + deploymentColumns + ` FROM deployments WHERE environment = ? AND kind = ? AND name = ? AND active`
	args := []any{env, root.Kind, root.Name}
	if apiVersion != "" {
		q += ` AND api_version = ?`
		args = append(args, apiVersion)
	}
	return queryAll(ctx, tx, scanEvent, q+` ORDER BY api_version`, args...)
}

// Deploy implements store.Deployments.
func (s *Store) Deploy(ctx context.Context, env, packageID, actor string) (*model.Deployment, bool, error) {
	var (
		out     *model.Deployment
		changed bool
	)
	err := s.write(ctx, func(tx db) error {
		rev, err := bumpRevision(ctx, tx, env)
		if err != nil {
			return err
		}
		p, err := getPackage(ctx, tx, packageID, s.d.ForShare)
		if err != nil {
			return err
		}
		cur, err := activeOf(ctx, tx, env, p.Component, p.APIVersion)
		if err != nil {
			return err
		}
		if len(cur) == 1 && cur[0].d.PackageID == p.ID {
			out = cur[0].d
			return errRollback
		}
		out, err = activate(ctx, tx, env, rev, p, cur, model.ActionDeploy, actor)
		changed = err == nil
		return err
	})
	if errors.Is(err, errRollback) {
		return out, false, nil
	}
	if err != nil {
		return nil, false, s.fail(err)
	}
	return out, changed, nil
}

// activate makes p active in env at rev, replacing cur (the events active in
// its slot), after checking that no other root serves its routes.
func activate(ctx context.Context, tx db, env string, rev int64, p *model.Package, cur []event, action, actor string) (*model.Deployment, error) {
	if p.Component.Kind == model.KindAPI || p.Component.Kind == model.KindProxy {
		others, err := stringsOf(ctx, tx, `SELECT d.kind || '/' || d.name || '@' || d.version FROM deployments d
			JOIN packages p ON p.id = d.package_id
			WHERE d.environment = ? AND d.active AND d.kind = ? AND d.name <> ? AND p.base_path = ? AND d.api_version = ?
			ORDER BY d.name`, env, p.Component.Kind, p.Component.Name, p.BasePath, p.APIVersion)
		if err != nil {
			return nil, err
		}
		if len(others) > 0 {
			return nil, fmt.Errorf("%w: %s already serves base path %q version %q in %s",
				model.ErrConflict, joinList(others), p.BasePath, p.APIVersion, env)
		}
	}
	for _, e := range cur {
		if _, err := tx.exec(ctx, `UPDATE deployments SET active = FALSE WHERE seq = ?`, e.seq); err != nil {
			return nil, err
		}
	}
	d := &model.Deployment{
		Environment: env, PackageID: p.ID, Component: p.Component, Version: p.Version, APIVersion: p.APIVersion,
		Action: action, Active: true, SnapshotRevision: rev, CreatedBy: actor,
	}
	return d, insertEvent(ctx, tx, d)
}

// insertEvent records d, setting its ID and CreatedAt.
func insertEvent(ctx context.Context, tx db, d *model.Deployment) error {
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("deployment id: %w", err)
	}
	d.ID, d.CreatedAt = id.String(), now()
	_, err = tx.exec(ctx, `INSERT INTO deployments (id, environment, package_id, kind, name, version, api_version, action, active, snapshot_revision, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.Environment, d.PackageID, d.Component.Kind, d.Component.Name,
		d.Version, d.APIVersion, d.Action, d.Active, d.SnapshotRevision, micros(d.CreatedAt), d.CreatedBy)
	return err
}

// Rollback implements store.Deployments.
func (s *Store) Rollback(ctx context.Context, env string, root model.Ref, toVersion, apiVersion, actor string) (*model.Deployment, error) {
	var out *model.Deployment
	err := s.write(ctx, func(tx db) error {
		rev, err := bumpRevision(ctx, tx, env)
		if err != nil {
			return err
		}
		active, err := activeOf(ctx, tx, env, root, apiVersion)
		if err != nil {
			return err
		}
		if apiVersion == "" && len(active) > 1 {
			var slots []string
			for _, e := range active {
				slots = append(slots, e.d.APIVersion+" ("+e.d.Version+")")
			}
			return fmt.Errorf("%w: %s has several API versions active in %s: %s; name the one to roll back",
				model.ErrInvalid, root, env, joinList(slots))
		}
		var target *model.Package
		if toVersion != "" {
			target, err = rollbackTarget(ctx, tx, env, root, toVersion, apiVersion)
			if err != nil {
				return err
			}
			active, err = activeOf(ctx, tx, env, root, target.APIVersion)
			if err != nil {
				return err
			}
			if len(active) == 1 && active[0].d.PackageID == target.ID {
				return fmt.Errorf("%w: %s@%s is already active in %s", model.ErrInvalid, root, toVersion, env)
			}
		} else {
			if len(active) == 0 {
				what := root.String()
				if apiVersion != "" {
					what += " " + apiVersion
				}
				return fmt.Errorf("%w: %s is not deployed to %s; name the version to roll back to", model.ErrInvalid, what, env)
			}
			target, err = previousPackage(ctx, tx, env, active[0])
			if err != nil {
				return err
			}
		}
		out, err = activate(ctx, tx, env, rev, target, active, model.ActionRollback, actor)
		return err
	})
	if err != nil {
		return nil, s.fail(err)
	}
	return out, nil
}

// rollbackTarget finds root@version, which must have been deployed in env.
func rollbackTarget(ctx context.Context, tx db, env string, root model.Ref, version, apiVersion string) (*model.Package, error) {
	p, err := findPackage(ctx, tx, root, version)
	if err != nil {
		return nil, err
	}
	if apiVersion != "" && p.APIVersion != apiVersion {
		return nil, fmt.Errorf("%w: %s@%s serves API version %q, not %q", model.ErrInvalid, root, version, p.APIVersion, apiVersion)
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM deployments WHERE environment = ? AND package_id = ? AND action <> ?`,
		env, p.ID, model.ActionUndeploy).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: %s@%s was never deployed to %s", model.ErrInvalid, root, version, env)
	}
	return p, nil
}

// previousPackage walks the slot's history back from the current event to
// the first package that differs from the current one and still exists.
func previousPackage(ctx context.Context, tx db, env string, cur event) (*model.Package, error) {
	d := cur.d
	hist, err := queryAll(ctx, tx, scanEvent, `SELECT `+deploymentColumns+` FROM deployments
		WHERE environment = ? AND kind = ? AND name = ? AND api_version = ? AND action <> ? AND seq < ?
		ORDER BY seq DESC`, env, d.Component.Kind, d.Component.Name, d.APIVersion, model.ActionUndeploy, cur.seq)
	if err != nil {
		return nil, err
	}
	tried := map[string]bool{d.PackageID: true}
	for _, e := range hist {
		if tried[e.d.PackageID] {
			continue
		}
		tried[e.d.PackageID] = true
		p, err := getPackage(ctx, tx, e.d.PackageID, "")
		if errors.Is(err, model.ErrNotFound) {
			continue
		}
		return p, err
	}
	return nil, fmt.Errorf("%w: no earlier package of %s was deployed to %s", model.ErrInvalid, d.Component, env)
}

// Undeploy implements store.Deployments.
func (s *Store) Undeploy(ctx context.Context, env string, root model.Ref, apiVersion, actor string) ([]*model.Deployment, error) {
	var out []*model.Deployment
	err := s.write(ctx, func(tx db) error {
		rev, err := bumpRevision(ctx, tx, env)
		if err != nil {
			return err
		}
		active, err := activeOf(ctx, tx, env, root, apiVersion)
		if err != nil {
			return err
		}
		if len(active) == 0 {
			what := root.String()
			if apiVersion != "" {
				what += " " + apiVersion
			}
			return notFound("%s is not deployed to %s", what, env)
		}
		out = nil
		for _, e := range active {
			if _, err := tx.exec(ctx, `UPDATE deployments SET active = FALSE WHERE seq = ?`, e.seq); err != nil {
				return err
			}
			d := &model.Deployment{
				Environment: env, PackageID: e.d.PackageID, Component: root, Version: e.d.Version, APIVersion: e.d.APIVersion,
				Action: model.ActionUndeploy, SnapshotRevision: rev, CreatedBy: actor,
			}
			if err := insertEvent(ctx, tx, d); err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, s.fail(err)
	}
	return out, nil
}

// ListDeployments implements store.Deployments.
func (s *Store) ListDeployments(ctx context.Context, f store.DeploymentFilter, page store.Page) ([]*model.Deployment, string, error) {
	n := limit(page)
	var before int64
	after, err := decodeCursor(page.Cursor, &before)
	if err != nil {
		return nil, "", err
	}
	var (
		where []string
		args  []any
	)
	if f.Environment != "" {
		where = append(where, "environment = ?")
		args = append(args, f.Environment)
	}
	if f.Component != nil {
		where = append(where, "kind = ? AND name = ?")
		args = append(args, f.Component.Kind, f.Component.Name)
	}
	if !f.History {
		where = append(where, "active")
	}
	if after {
		where = append(where, "seq < ?")
		args = append(args, before)
	}
	q := `SELECT ` + deploymentColumns + ` FROM deployments`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(` ORDER BY seq DESC LIMIT %d`, n+1)
	events, err := queryAll(ctx, s.reader(), scanEvent, q, args...)
	if err != nil {
		return nil, "", s.fail(err)
	}
	events, next := trim(events, n, func(e event) string { return encodeCursor(e.seq) })
	out := make([]*model.Deployment, len(events))
	for i, e := range events {
		out[i] = e.d
	}
	return out, next, nil
}

// Snapshot implements store.Deployments.
func (s *Store) Snapshot(ctx context.Context, env string) (*model.Snapshot, error) {
	var snap *model.Snapshot
	err := s.read(ctx, func(tx db) error {
		e, err := getEnvironment(ctx, tx, env, "")
		if err != nil {
			return err
		}
		snap = &model.Snapshot{Environment: e.Name, Revision: e.Revision, Spec: e.Spec, Deployments: []model.SnapshotDeployment{}}
		active, err := queryAll(ctx, tx, scanEvent, `SELECT `+deploymentColumns+` FROM deployments
			WHERE environment = ? AND active ORDER BY kind, name, api_version`, env)
		if err != nil {
			return err
		}
		for _, a := range active {
			p, err := getPackage(ctx, tx, a.d.PackageID, "")
			if err != nil {
				return fmt.Errorf("active deployment %s: %w", a.d.ID, err)
			}
			comps, err := queryComponents(ctx, tx, `SELECT `+componentColumns+` FROM package_contents pc
				JOIN component_revisions r ON r.kind = pc.kind AND r.name = pc.name AND r.revision = pc.revision
				JOIN components c ON c.kind = r.kind AND c.name = r.name
				WHERE pc.package_id = ? ORDER BY pc.position`, p.ID)
			if err != nil {
				return err
			}
			sd := model.SnapshotDeployment{Deployment: *a.d, Package: *p, Components: make([]model.Component, len(comps))}
			for i, c := range comps {
				sd.Components[i] = *c
			}
			snap.Deployments = append(snap.Deployments, sd)
		}
		snap.Plans, snap.Applications, err = appsAndPlans(ctx, tx)
		if err != nil {
			return err
		}
		snap.Consumers, err = snapshotConsumers(ctx, tx, env)
		return err
	})
	if err != nil {
		return nil, s.fail(err)
	}
	return snap, nil
}

// EnvironmentRevision implements store.Deployments.
func (s *Store) EnvironmentRevision(ctx context.Context, env string) (int64, error) {
	var rev int64
	err := s.reader().queryRow(ctx, `SELECT revision FROM environments WHERE name = ?`, env).Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("environment %q", env)
	}
	return rev, s.fail(err)
}
