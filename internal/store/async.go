package store

import (
	"context"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// DeliveryFilter narrows ListDeliveries; zero fields match everything.
type DeliveryFilter struct {
	ExecutionID string
	Status      string
}

// Async holds what executions that outlive their request leave in the
// control plane: their kept results, the webhook outbox with its attempts,
// and the cancel requests the runtimes pick up. Any replica reads and
// writes them, so none of it lives in a process's memory.
type Async interface {
	// SaveExecutionResult keeps a result until its ExpiresAt; a result
	// already kept for the execution is left as it is (idempotent).
	SaveExecutionResult(ctx context.Context, r *model.ExecutionResult) error
	// GetExecutionResult returns a kept result; model.ErrNotFound when
	// there is none or it expired.
	GetExecutionResult(ctx context.Context, executionID string, now time.Time) (*model.ExecutionResult, error)
	// DeleteExpiredResults deletes the results expired at now.
	DeleteExpiredResults(ctx context.Context, now time.Time) (int, error)

	// EnqueueDelivery adds a PENDING delivery due at d.CreatedAt. A delivery
	// with the same id already queued is left as it is: created is false.
	EnqueueDelivery(ctx context.Context, d *model.Delivery) (created bool, err error)
	// ClaimDeliveries takes up to limit PENDING deliveries due at now and
	// moves their next attempt to now+lease, so that another replica does
	// not take them while they are being sent; a claim that dies with its
	// replica comes back once the lease passes. The deliveries carry their
	// payload.
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*model.Delivery, error)
	// RecordDeliveryAttempt stores one attempt and the delivery's new state:
	// status DELIVERED or FAILED ends it; PENDING retries it at next.
	RecordDeliveryAttempt(ctx context.Context, id string, a model.DeliveryAttempt, status string, next *time.Time) error
	// GetDelivery returns a delivery with its payload and attempts.
	GetDelivery(ctx context.Context, id string) (*model.Delivery, error)
	// ListDeliveries lists deliveries newest first, without payload and
	// attempts.
	ListDeliveries(ctx context.Context, f DeliveryFilter, page Page) ([]*model.Delivery, string, error)
	// ResendDelivery makes a delivery PENDING again, due at now, whatever
	// its status; its attempts stay.
	ResendDelivery(ctx context.Context, id string, now time.Time) (*model.Delivery, error)

	// RequestCancel records that executionID should stop (idempotent).
	RequestCancel(ctx context.Context, executionID string, at time.Time) error
	// CancelRequested returns those of ids whose cancel was requested.
	CancelRequested(ctx context.Context, ids []string) ([]string, error)

	// DeleteAsyncBefore deletes the finished deliveries (with their
	// attempts) created before t and the cancel requests made before t
	// (retention); pending deliveries stay.
	DeleteAsyncBefore(ctx context.Context, t time.Time) (int, error)
}
