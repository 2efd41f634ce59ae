package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// EnqueueExecution implements store.Queue. The request is kept as one JSON
// document: the queue only reads its id, environment and lease.
func (s *Store) EnqueueExecution(ctx context.Context, q *model.QueuedExecution) (bool, error) {
	if q == nil {
		return false, model.Invalidf("id", "is required")
	}
	if err := q.Validate(); err != nil {
		return false, err
	}
	at := q.EnqueuedAt
	if at.IsZero() {
		at = now()
	}
	req := *q
	req.EnqueuedAt, req.ClaimedBy, req.LeaseUntil, req.Attempts = at.UTC(), "", nil, 0
	b, err := json.Marshal(&req)
	if err != nil {
		return false, fmt.Errorf("%w: %v", model.ErrInvalid, err)
	}
	res, err := s.w.ExecContext(ctx, s.d.bind(`INSERT INTO execution_queue (id, environment, request, enqueued_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`), q.ID, q.Environment, b, micros(at))
	if err != nil {
		return false, s.fail(err)
	}
	n, err := res.RowsAffected()
	return n == 1, s.fail(err)
}

// ClaimExecution implements store.Queue in one statement: the sub-select
// picks the oldest claimable row (skipping those another claimer has
// locked, on PostgreSQL) and the update takes it, conditioned again on its
// lease, so that two claimers never both take one row.
func (s *Store) ClaimExecution(ctx context.Context, env, id, runtime string, at time.Time, lease time.Duration) (*model.QueuedExecution, error) {
	if runtime == "" {
		return nil, model.Invalidf("runtime", "is required")
	}
	if lease <= 0 {
		return nil, model.Invalidf("lease", "must be positive")
	}
	until := at.Add(lease)
	pick := `SELECT id FROM execution_queue WHERE environment = ? AND lease_until <= ?`
	args := []any{runtime, micros(until), env, micros(at)}
	if id != "" {
		pick += ` AND id = ?`
		args = append(args, id)
	}
	pick += ` ORDER BY enqueued_at, id LIMIT 1` + s.d.SkipLocked
	args = append(args, micros(at))
	row := s.w.QueryRowContext(ctx, s.d.bind(`UPDATE execution_queue SET claimed_by = ?, lease_until = ?, attempts = attempts + 1
		WHERE id = (`+pick+`) AND lease_until <= ? RETURNING request, attempts`), args...)
	var (
		b []byte
		q model.QueuedExecution
		n int
	)
	if err := row.Scan(&b, &n); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, s.fail(err)
	}
	if err := json.Unmarshal(b, &q); err != nil {
		return nil, fmt.Errorf("queued execution: %w", err)
	}
	q.ClaimedBy, q.LeaseUntil, q.Attempts = runtime, &until, n
	return &q, nil
}

// RenewExecutionLeases implements store.Queue.
func (s *Store) RenewExecutionLeases(ctx context.Context, runtime string, ids []string, until time.Time) ([]string, error) {
	var held []string
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := []any{micros(until), runtime}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := s.w.QueryContext(ctx, s.d.bind(`UPDATE execution_queue SET lease_until = ? WHERE claimed_by = ? AND id IN (`+
			placeholders(len(chunk))+`) RETURNING id`), args...)
		if err != nil {
			return held, s.fail(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return held, s.fail(err)
			}
			held = append(held, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return held, s.fail(err)
		}
	}
	return held, nil
}

// CompleteQueuedExecutions implements store.Queue.
func (s *Store) CompleteQueuedExecutions(ctx context.Context, ids []string) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		if _, err := s.w.ExecContext(ctx, s.d.bind(`DELETE FROM execution_queue WHERE id IN (`+placeholders(len(chunk))+`)`), args...); err != nil {
			return s.fail(err)
		}
	}
	return nil
}

// CountQueuedExecutions implements store.Queue.
func (s *Store) CountQueuedExecutions(ctx context.Context, env string) (int, error) {
	q, args := `SELECT COUNT(*) FROM execution_queue`, []any{}
	if env != "" {
		q += ` WHERE environment = ?`
		args = append(args, env)
	}
	var n int
	if err := s.reader().queryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, s.fail(err)
	}
	return n, nil
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
