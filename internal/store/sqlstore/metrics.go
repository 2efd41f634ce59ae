package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

const metricsKeyCols = `environment, resolution, start, api, endpoint, process`

// AddMetricsBlocks implements store.MetricsBlocks.
func (s *Store) AddMetricsBlocks(ctx context.Context, env string, res int, blocks []model.MetricsBlock) error {
	if res <= 0 {
		return fmt.Errorf("%w: metrics resolution %d", model.ErrInvalid, res)
	}
	for i, b := range blocks {
		if b.Start.Unix()%int64(res) != 0 || b.Count < 0 {
			return fmt.Errorf("%w: metrics block %d: start %s is not a multiple of %ds, or its count is negative", model.ErrInvalid, i, b.Start, res)
		}
	}
	if len(blocks) == 0 {
		return nil
	}
	err := s.write(ctx, func(tx db) error {
		for _, b := range blocks {
			key := []any{env, res, b.Start.Unix(), b.API, b.Endpoint, b.Process}
			maxUS := int64(b.MaxMS * 1000)
			if _, err := tx.exec(ctx, `INSERT INTO metrics_blocks (`+metricsKeyCols+`, count, errors_4xx, errors_5xx, max_us)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (`+metricsKeyCols+`) DO UPDATE SET count = metrics_blocks.count + excluded.count,
					errors_4xx = metrics_blocks.errors_4xx + excluded.errors_4xx,
					errors_5xx = metrics_blocks.errors_5xx + excluded.errors_5xx,
					max_us = CASE WHEN excluded.max_us > metrics_blocks.max_us THEN excluded.max_us ELSE metrics_blocks.max_us END`,
				append(key, b.Count, b.Errors.Client, b.Errors.Server, maxUS)...); err != nil {
				return err
			}
			for i, n := range b.Buckets {
				if n <= 0 {
					continue
				}
				if _, err := tx.exec(ctx, `INSERT INTO metrics_buckets (`+metricsKeyCols+`, bucket, count)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?)
					ON CONFLICT (`+metricsKeyCols+`, bucket) DO UPDATE SET count = metrics_buckets.count + excluded.count`,
					append(key, i, n)...); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return s.fail(err)
}

type metricsKey struct {
	start                  int64
	api, endpoint, process string
}

// ListMetricsBlocks implements store.MetricsBlocks.
func (s *Store) ListMetricsBlocks(ctx context.Context, env string, res int, api string, since, until time.Time) ([]model.MetricsBlock, error) {
	where := ` WHERE environment = ? AND resolution = ? AND start >= ?`
	args := []any{env, res, since.Unix()}
	if !until.IsZero() {
		where += ` AND start < ?`
		args = append(args, until.Unix())
	}
	if api != "" {
		where += ` AND api = ?`
		args = append(args, api)
	}
	var out []model.MetricsBlock
	at := map[metricsKey]int{}
	err := s.read(ctx, func(tx db) error {
		rows, err := tx.query(ctx, `SELECT start, api, endpoint, process, count, errors_4xx, errors_5xx, max_us FROM metrics_blocks`+where+
			` ORDER BY start, api, endpoint, process`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var (
				b     model.MetricsBlock
				start int64
				maxUS int64
			)
			if err := rows.Scan(&start, &b.API, &b.Endpoint, &b.Process, &b.Count, &b.Errors.Client, &b.Errors.Server, &maxUS); err != nil {
				rows.Close()
				return err
			}
			b.Start = time.Unix(start, 0).UTC()
			b.MaxMS = float64(maxUS) / 1000
			at[metricsKey{start, b.API, b.Endpoint, b.Process}] = len(out)
			out = append(out, b)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.query(ctx, `SELECT start, api, endpoint, process, bucket, count FROM metrics_buckets`+where, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				k         metricsKey
				bucket, n int64
			)
			if err := rows.Scan(&k.start, &k.api, &k.endpoint, &k.process, &bucket, &n); err != nil {
				return err
			}
			i, ok := at[k]
			if !ok || bucket < 0 || bucket > 1024 {
				continue
			}
			b := &out[i]
			for int64(len(b.Buckets)) <= bucket {
				b.Buckets = append(b.Buckets, 0)
			}
			b.Buckets[bucket] += n
		}
		return rows.Err()
	})
	if err != nil {
		return nil, s.fail(err)
	}
	return out, nil
}

// DeleteMetricsBlocksBefore implements store.MetricsBlocks.
func (s *Store) DeleteMetricsBlocksBefore(ctx context.Context, res int, t time.Time) (int, error) {
	n := 0
	err := s.write(ctx, func(tx db) error {
		if _, err := tx.exec(ctx, `DELETE FROM metrics_buckets WHERE resolution = ? AND start < ?`, res, t.Unix()); err != nil {
			return err
		}
		r, err := tx.exec(ctx, `DELETE FROM metrics_blocks WHERE resolution = ? AND start < ?`, res, t.Unix())
		if err != nil {
			return err
		}
		k, err := r.RowsAffected()
		n = int(k)
		return err
	})
	return n, s.fail(err)
}
