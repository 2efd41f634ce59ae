package runtime

import (
	"context"

	"github.com/portico-dev/portico/internal/model"
)

// Source fetches the snapshots of one environment.
type Source interface {
	// Poll returns the environment's snapshot once its revision is greater
	// than after (after < 0: at once, whatever it is), or nil when nothing
	// changed within the source's own wait. current is the environment's
	// revision as the source knows it, also when snap is nil: a current below
	// after means the environment went back (deleted and created again) and
	// the runtime asks again with after < 0. An error means the source could
	// not answer; the runtime retries with backoff.
	Poll(ctx context.Context, after int64) (snap *model.Snapshot, current int64, err error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, after int64) (*model.Snapshot, int64, error)

// Poll calls f.
func (f SourceFunc) Poll(ctx context.Context, after int64) (*model.Snapshot, int64, error) {
	return f(ctx, after)
}
