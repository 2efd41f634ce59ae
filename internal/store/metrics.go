package store

import (
	"context"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// MetricsBlocks keep the live aggregates the runtimes report, so that every
// control-plane replica answers for all of them. A block is keyed by
// environment, resolution (in seconds: 1 or 60), start and (API, endpoint,
// process); blocks of several runtimes with one key add up.
type MetricsBlocks interface {
	// AddMetricsBlocks adds blocks to the stored ones in one transaction:
	// counts and latency bucket counts add, the max keeps the larger. Each
	// block's Start must be a multiple of res seconds.
	AddMetricsBlocks(ctx context.Context, env string, res int, blocks []model.MetricsBlock) error
	// ListMetricsBlocks returns env's blocks of resolution res that start
	// at or after since (and before until, when not zero), of one API when
	// api is not empty, oldest first.
	ListMetricsBlocks(ctx context.Context, env string, res int, api string, since, until time.Time) ([]model.MetricsBlock, error)
	// DeleteMetricsBlocksBefore forgets the blocks of resolution res that
	// start before t.
	DeleteMetricsBlocksBefore(ctx context.Context, res int, t time.Time) (int, error)
}
