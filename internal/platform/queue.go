package platform

import (
	"fmt"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// queueRequest is the body of POST /executions/queue: the accepted request
// and the INPROCESS record that a caller polling its status link finds.
type queueRequest struct {
	Item   model.QueuedExecution `json:"item"`
	Record *model.Execution      `json:"record,omitempty"`
}

// queueAnswer says whether the item was new (false: queued before, kept).
type queueAnswer struct {
	Created bool `json:"created"`
}

// claimRequest is the body of POST /executions/claim and /executions/leases.
type claimRequest struct {
	// Runtime is the runtime instance id that holds the lease.
	Runtime string `json:"runtime"`
	// LeaseMS is how long the lease lasts (the environment's queueLease).
	LeaseMS int64 `json:"leaseMs"`
	// IDs are the leases to renew (leases only).
	IDs []string `json:"ids,omitempty"`
}

// claimAnswer carries the claimed item; none when nothing is claimable.
type claimAnswer struct {
	Item *model.QueuedExecution `json:"item"`
}

func (q *claimRequest) lease() (time.Duration, error) {
	if q.Runtime == "" || len(q.Runtime) > 128 {
		return 0, model.Invalidf("runtime", "is required (at most 128 characters)")
	}
	d := time.Duration(q.LeaseMS) * time.Millisecond
	if d < model.MinQueueLease || d > model.MaxQueueLease {
		return 0, model.Invalidf("leaseMs", "must be between %d and %d", model.MinQueueLease.Milliseconds(), model.MaxQueueLease.Milliseconds())
	}
	return d, nil
}

// enqueueExecution makes an async endpoint's accepted request durable
// before the runtime answers 202. The item first: once it is queued the
// work runs whatever happens to the runtime.
func (s *Server) enqueueExecution(c *call) (*reply, error) {
	var q queueRequest
	if err := decodeBody(c.r, &q); err != nil {
		return nil, err
	}
	if q.Record != nil {
		if err := q.Record.Validate(); err != nil {
			return nil, err
		}
		if q.Record.ID != q.Item.ID {
			return nil, model.Invalidf("record.id", "must be the item's id %q", q.Item.ID)
		}
	}
	created, err := s.store.EnqueueExecution(c.r.Context(), &q.Item)
	if err != nil {
		return nil, err
	}
	if q.Record != nil {
		if _, err := s.store.InsertExecutions(c.r.Context(), []*model.Execution{q.Record}); err != nil {
			return nil, fmt.Errorf("the execution is queued but its record is not stored: %w", err)
		}
	}
	return ok(queueAnswer{Created: created})
}

// claimExecution hands a runtime the oldest claimable item of its
// environment (?id= only that one) under a lease.
func (s *Server) claimExecution(c *call) (*reply, error) {
	var q claimRequest
	if err := decodeBody(c.r, &q); err != nil {
		return nil, err
	}
	lease, err := q.lease()
	if err != nil {
		return nil, err
	}
	env := c.r.URL.Query().Get("environment")
	if env == "" {
		return nil, model.Invalidf("environment", "is required")
	}
	item, err := s.store.ClaimExecution(c.r.Context(), env, c.r.URL.Query().Get("id"), q.Runtime, s.now(), lease)
	if err != nil {
		return nil, err
	}
	return ok(claimAnswer{Item: item})
}

// renewLeases extends the leases a runtime still holds and names them.
func (s *Server) renewLeases(c *call) (*reply, error) {
	var q claimRequest
	if err := decodeBody(c.r, &q); err != nil {
		return nil, err
	}
	lease, err := q.lease()
	if err != nil {
		return nil, err
	}
	if len(q.IDs) > MaxCancelQuery {
		return nil, model.Invalidf("ids", "%d ids; renew at most %d at once", len(q.IDs), MaxCancelQuery)
	}
	held, err := s.store.RenewExecutionLeases(c.r.Context(), q.Runtime, q.IDs, s.now().Add(lease))
	if err != nil {
		return nil, err
	}
	if held == nil {
		held = []string{}
	}
	return ok(cancellationQuery{IDs: held})
}
