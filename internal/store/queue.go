package store

import (
	"context"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// Queue is the durable queue of the requests async endpoints accepted: a
// runtime writes one before it answers 202, and the runtimes of the
// environment claim them under a lease, so that work accepted by a runtime
// that dies is run by another. Claims never hand one item to two claimers
// whose leases overlap (FOR UPDATE SKIP LOCKED on PostgreSQL, one writer on
// SQLite).
type Queue interface {
	// EnqueueExecution adds q, unclaimed. An item with the same id already
	// queued is left as it is: created is false.
	EnqueueExecution(ctx context.Context, q *model.QueuedExecution) (created bool, err error)
	// ClaimExecution takes the oldest item of environment that is
	// unclaimed or whose lease has passed at now (only the item id when id
	// is not empty) for runtime until now+lease, counting the attempt; nil
	// and no error when there is none.
	ClaimExecution(ctx context.Context, environment, id, runtime string, now time.Time, lease time.Duration) (*model.QueuedExecution, error)
	// RenewExecutionLeases moves to until the leases runtime still holds
	// among ids, and returns those ids; the others were taken over or
	// completed.
	RenewExecutionLeases(ctx context.Context, runtime string, ids []string, until time.Time) ([]string, error)
	// CompleteQueuedExecutions removes the items of ids (their final record
	// is stored); unknown ids are ignored.
	CompleteQueuedExecutions(ctx context.Context, ids []string) error
	// CountQueuedExecutions counts the items of environment not completed
	// yet ("" counts all).
	CountQueuedExecutions(ctx context.Context, environment string) (int, error)
}
