package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// SaveExecutionResult implements store.Async.
func (s *Store) SaveExecutionResult(ctx context.Context, r *model.ExecutionResult) error {
	if r == nil || r.ExecutionID == "" || len(r.ExecutionID) > 64 {
		return model.Invalidf("executionId", "is required (at most 64 characters)")
	}
	if r.Status < 100 || r.Status > 599 {
		return model.Invalidf("status", "%d is not an HTTP status", r.Status)
	}
	h, err := json.Marshal(r.Header)
	if err != nil {
		return fmt.Errorf("%w: header: %v", model.ErrInvalid, err)
	}
	_, err = s.w.ExecContext(ctx, s.d.bind(`INSERT INTO execution_results (execution_id, status, header, body, dropped, expires_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (execution_id) DO NOTHING`),
		r.ExecutionID, r.Status, string(h), r.Body, r.Dropped, micros(r.ExpiresAt))
	return s.fail(err)
}

// GetExecutionResult implements store.Async.
func (s *Store) GetExecutionResult(ctx context.Context, id string, now time.Time) (*model.ExecutionResult, error) {
	r := model.ExecutionResult{ExecutionID: id}
	var (
		h       string
		expires int64
	)
	err := s.reader().queryRow(ctx, `SELECT status, header, body, dropped, expires_at FROM execution_results WHERE execution_id = ? AND expires_at > ?`,
		id, micros(now)).Scan(&r.Status, &h, &r.Body, &r.Dropped, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("result of execution %q (none kept, or expired)", id)
	}
	if err != nil {
		return nil, s.fail(err)
	}
	if err := json.Unmarshal([]byte(h), &r.Header); err != nil {
		return nil, fmt.Errorf("result of execution %q: header: %w", id, err)
	}
	r.ExpiresAt = fromMicros(expires)
	return &r, nil
}

// DeleteExpiredResults implements store.Async.
func (s *Store) DeleteExpiredResults(ctx context.Context, now time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, s.d.bind(`DELETE FROM execution_results WHERE expires_at <= ?`), micros(now))
	if err != nil {
		return 0, s.fail(err)
	}
	n, err := res.RowsAffected()
	return int(n), s.fail(err)
}

// EnqueueDelivery implements store.Async.
func (s *Store) EnqueueDelivery(ctx context.Context, d *model.Delivery) (bool, error) {
	switch {
	case d == nil || d.ID == "" || len(d.ID) > 80:
		return false, model.Invalidf("id", "is required (at most 80 characters)")
	case d.URL == "" || len(d.URL) > 2048:
		return false, model.Invalidf("url", "is required (at most 2048 characters)")
	case !json.Valid(d.Payload):
		return false, model.Invalidf("payload", "is not JSON")
	}
	created := d.CreatedAt
	if created.IsZero() {
		created = now()
	}
	res, err := s.w.ExecContext(ctx, s.d.bind(`INSERT INTO deliveries (id, execution_id, environment, url, status, payload, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
		d.ID, d.ExecutionID, d.Environment, d.URL, model.DeliveryPending, []byte(d.Payload), micros(created), micros(created))
	if err != nil {
		return false, s.fail(err)
	}
	n, err := res.RowsAffected()
	return n == 1, s.fail(err)
}

// deliveryColumns are the columns of a listed delivery.
const deliveryColumns = `id, execution_id, environment, url, status, attempt_count, next_attempt_at, last_error, created_at, delivered_at`

func scanDelivery(sc interface{ Scan(...any) error }, payload bool) (*model.Delivery, error) {
	var (
		d          model.Delivery
		next, done *int64
		created    int64
		body       []byte
		dst        = []any{&d.ID, &d.ExecutionID, &d.Environment, &d.URL, &d.Status, &d.AttemptCount, &next, &d.LastError, &created, &done}
	)
	if payload {
		dst = append(dst, &body)
	}
	if err := sc.Scan(dst...); err != nil {
		return nil, err
	}
	d.NextAttemptAt, d.DeliveredAt, d.CreatedAt = timePtr(next), timePtr(done), fromMicros(created)
	if d.Status != model.DeliveryPending {
		d.NextAttemptAt = nil
	}
	if payload {
		d.Payload = json.RawMessage(body)
	}
	return &d, nil
}

// ClaimDeliveries implements store.Async in one statement: the sub-select
// picks the due rows (skipping those another replica has locked, FOR UPDATE
// SKIP LOCKED on PostgreSQL; SQLite has one writer) and the update moves
// their next attempt past the lease, conditioned again on their being due,
// so that of two replicas only one takes a row.
func (s *Store) ClaimDeliveries(ctx context.Context, at time.Time, lease time.Duration, limit int) ([]*model.Delivery, error) {
	until := at.Add(lease)
	rows, err := s.w.QueryContext(ctx, s.d.bind(`UPDATE deliveries SET next_attempt_at = ?
		WHERE id IN (SELECT id FROM deliveries WHERE status = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT `+
		fmt.Sprint(max(limit, 1))+s.d.SkipLocked+`) AND status = ? AND next_attempt_at <= ?
		RETURNING `+deliveryColumns+`, payload`),
		micros(until), model.DeliveryPending, micros(at), model.DeliveryPending, micros(at))
	if err != nil {
		return nil, s.fail(err)
	}
	defer rows.Close()
	var claimed []*model.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows, true)
		if err != nil {
			return nil, s.fail(err)
		}
		claimed = append(claimed, d)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err)
	}
	// RETURNING follows no order; the oldest due go first.
	sort.Slice(claimed, func(i, j int) bool {
		a, b := claimed[i], claimed[j]
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.Before(b.CreatedAt)
		}
		return a.ID < b.ID
	})
	return claimed, nil
}

// RecordDeliveryAttempt implements store.Async.
func (s *Store) RecordDeliveryAttempt(ctx context.Context, id string, a model.DeliveryAttempt, status string, next *time.Time) error {
	switch status {
	case model.DeliveryPending, model.DeliveryDelivered, model.DeliveryFailed:
	default:
		return model.Invalidf("status", "%q is not a delivery status", status)
	}
	if status == model.DeliveryPending && next == nil {
		return model.Invalidf("nextAttemptAt", "is required for a pending delivery")
	}
	err := s.write(ctx, func(tx db) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT attempt_count FROM deliveries WHERE id = ?`, id).Scan(&n); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("delivery %q", id)
			}
			return err
		}
		n++
		if _, err := tx.exec(ctx, `INSERT INTO delivery_attempts (delivery_id, n, at, http_status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)`,
			id, n, micros(a.At), a.HTTPStatus, a.Error, a.DurationMS); err != nil {
			return err
		}
		var delivered any
		if status == model.DeliveryDelivered {
			delivered = micros(a.At)
		}
		_, err := tx.exec(ctx, `UPDATE deliveries SET attempt_count = ?, status = ?, next_attempt_at = ?, last_error = ?, delivered_at = ? WHERE id = ?`,
			n, status, nullMicros(next), a.Error, delivered, id)
		return err
	})
	return s.fail(err)
}

// GetDelivery implements store.Async.
func (s *Store) GetDelivery(ctx context.Context, id string) (*model.Delivery, error) {
	var d *model.Delivery
	err := s.read(ctx, func(tx db) error {
		var err error
		d, err = scanDelivery(tx.queryRow(ctx, `SELECT `+deliveryColumns+`, payload FROM deliveries WHERE id = ?`, id), true)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("delivery %q", id)
		}
		if err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT at, http_status, error, duration_ms FROM delivery_attempts WHERE delivery_id = ? ORDER BY n`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				a  model.DeliveryAttempt
				at int64
			)
			if err := rows.Scan(&at, &a.HTTPStatus, &a.Error, &a.DurationMS); err != nil {
				return err
			}
			a.At = fromMicros(at)
			d.Attempts = append(d.Attempts, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, s.fail(err)
	}
	return d, nil
}

// ListDeliveries implements store.Async.
func (s *Store) ListDeliveries(ctx context.Context, f store.DeliveryFilter, page store.Page) ([]*model.Delivery, string, error) {
	n := limit(page)
	var (
		afterAt int64
		afterID string
	)
	after, err := decodeCursor(page.Cursor, &afterAt, &afterID)
	if err != nil {
		return nil, "", err
	}
	q := `SELECT ` + deliveryColumns + ` FROM deliveries WHERE 1 = 1`
	var args []any
	if f.ExecutionID != "" {
		q += ` AND execution_id = ?`
		args = append(args, f.ExecutionID)
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, strings.ToUpper(f.Status))
	}
	if after {
		q += ` AND (created_at < ? OR (created_at = ? AND id < ?))`
		args = append(args, afterAt, afterAt, afterID)
	}
	q += fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT %d`, n+1)
	items, err := queryAll(ctx, s.reader(), func(r rowScanner) (*model.Delivery, error) { return scanDelivery(r, false) }, q, args...)
	if err != nil {
		return nil, "", s.fail(err)
	}
	items, next := trim(items, n, func(d *model.Delivery) string { return encodeCursor(micros(d.CreatedAt), d.ID) })
	return items, next, nil
}

// ResendDelivery implements store.Async.
func (s *Store) ResendDelivery(ctx context.Context, id string, at time.Time) (*model.Delivery, error) {
	res, err := s.w.ExecContext(ctx, s.d.bind(`UPDATE deliveries SET status = ?, next_attempt_at = ?, delivered_at = NULL WHERE id = ?`),
		model.DeliveryPending, micros(at), id)
	if err != nil {
		return nil, s.fail(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, notFound("delivery %q", id)
	}
	return s.GetDelivery(ctx, id)
}

// RequestCancel implements store.Async.
func (s *Store) RequestCancel(ctx context.Context, id string, at time.Time) error {
	_, err := s.w.ExecContext(ctx, s.d.bind(`INSERT INTO cancel_requests (execution_id, requested_at) VALUES (?, ?) ON CONFLICT (execution_id) DO NOTHING`),
		id, micros(at))
	return s.fail(err)
}

// CancelRequested implements store.Async.
func (s *Store) CancelRequested(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []string
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.reader().query(ctx, `SELECT execution_id FROM cancel_requests WHERE execution_id IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`)`, args...)
		if err != nil {
			return nil, s.fail(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, s.fail(err)
			}
			out = append(out, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.fail(err)
		}
	}
	return out, nil
}

// DeleteAsyncBefore implements store.Async.
func (s *Store) DeleteAsyncBefore(ctx context.Context, t time.Time) (int, error) {
	n := 0
	err := s.write(ctx, func(tx db) error {
		old := `SELECT id FROM deliveries WHERE created_at < ? AND status <> ?`
		if _, err := tx.exec(ctx, `DELETE FROM delivery_attempts WHERE delivery_id IN (`+old+`)`, micros(t), model.DeliveryPending); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM deliveries WHERE created_at < ? AND status <> ?`, micros(t), model.DeliveryPending)
		if err != nil {
			return err
		}
		k, _ := res.RowsAffected()
		n = int(k)
		_, err = tx.exec(ctx, `DELETE FROM cancel_requests WHERE requested_at < ?`, micros(t))
		return err
	})
	return n, s.fail(err)
}
