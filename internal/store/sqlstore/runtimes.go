package sqlstore

import (
	"context"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

const runtimeColumns = `id, environment, address, version, revision, ready, last_error, started_at, last_seen`

// PutRuntime implements store.Runtimes.
func (s *Store) PutRuntime(ctx context.Context, r *model.RuntimeInstance) error {
	if err := r.Validate(); err != nil {
		return err
	}
	seen := r.LastSeen
	if seen.IsZero() {
		seen = now()
	}
	started := r.StartedAt
	if started.IsZero() {
		started = seen
	}
	_, err := s.w.ExecContext(ctx, s.d.bind(`INSERT INTO runtimes (`+runtimeColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET environment = excluded.environment, address = excluded.address,
			version = excluded.version, revision = excluded.revision, ready = excluded.ready,
			last_error = excluded.last_error, last_seen = excluded.last_seen`),
		r.ID, r.Environment, r.Address, r.Version, r.Revision, r.Ready, r.LastError, micros(started), micros(seen))
	return s.fail(err)
}

// ListRuntimes implements store.Runtimes.
func (s *Store) ListRuntimes(ctx context.Context, env string) ([]*model.RuntimeInstance, error) {
	q := `SELECT ` + runtimeColumns + ` FROM runtimes`
	var args []any
	if env != "" {
		q += ` WHERE environment = ?`
		args = append(args, env)
	}
	out, err := queryAll(ctx, s.reader(), scanRuntime, q+` ORDER BY last_seen DESC, id`, args...)
	return out, s.fail(err)
}

func scanRuntime(r rowScanner) (*model.RuntimeInstance, error) {
	var (
		rt            model.RuntimeInstance
		started, seen int64
	)
	if err := r.Scan(&rt.ID, &rt.Environment, &rt.Address, &rt.Version, &rt.Revision, &rt.Ready, &rt.LastError, &started, &seen); err != nil {
		return nil, err
	}
	rt.StartedAt, rt.LastSeen = fromMicros(started), fromMicros(seen)
	return &rt, nil
}

// DeleteRuntimesBefore implements store.Runtimes.
func (s *Store) DeleteRuntimesBefore(ctx context.Context, t time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, s.d.bind(`DELETE FROM runtimes WHERE last_seen < ?`), micros(t))
	if err != nil {
		return 0, s.fail(err)
	}
	n, err := res.RowsAffected()
	return int(n), s.fail(err)
}
