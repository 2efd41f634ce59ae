package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/execution"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// MaxCancelQuery is the most execution ids one cancellations request asks about.
const MaxCancelQuery = 1000

// cancelAnswer is the answer of POST /executions/{id}/cancel.
type cancelAnswer struct {
	ExecutionID string `json:"executionId"`
	// Status is CANCELLING: the runtime running it stops it within about a
	// second, and its record then says ABORTED.
	Status string `json:"status"`
}

// cancellationQuery is the body of POST /executions/cancellations, and its answer.
type cancellationQuery struct {
	IDs []string `json:"ids"`
}

// saveOutcomes keeps the results and queues the webhooks of the records of
// a batch just stored.
func (s *Server) saveOutcomes(ctx context.Context, recs []*model.Execution) error {
	return execution.SaveOutcomes(ctx, s.store, recs, s.now())
}

// getExecutionResult answers exactly what the execution's synchronous call
// would have answered: its status, headers and body.
func (s *Server) getExecutionResult(c *call) (*reply, error) {
	ctx := c.r.Context()
	id := c.r.PathValue("id")
	x, err := s.store.GetExecution(ctx, id)
	if err != nil {
		return nil, err
	}
	if !execution.Terminal(x.Status) {
		return nil, fmt.Errorf("%w: execution %s is %s; poll GET /api/v1/executions/%s until it ends", model.ErrConflict, id, x.Status, id)
	}
	r, err := s.store.GetExecutionResult(ctx, id, s.now())
	if errors.Is(err, model.ErrNotFound) {
		if x.Status == model.ExecAborted {
			return nil, fmt.Errorf("%w: execution %s was aborted (%s): it has no result", model.ErrConflict, id, x.Error)
		}
		return nil, fmt.Errorf("%w: no result is kept for execution %s: only executions that answered 202 keep one, until the environment's resultRetention passes", model.ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	if r.Dropped {
		return nil, fmt.Errorf("%w: the result of execution %s (status %d) was larger than the environment's resultMaxBytes and was not kept", model.ErrNotFound, id, r.Status)
	}
	rep := &reply{status: r.Status, header: http.Header{}}
	for k, v := range r.Header {
		rep.header[k] = v
	}
	if len(r.Body) > 0 {
		rep.body = rawBody{contentType: rep.header.Get("Content-Type"), body: r.Body}
	}
	return rep, nil
}

func (s *Server) cancelExecution(c *call) (*reply, error) {
	ctx := c.r.Context()
	id := c.r.PathValue("id")
	x, err := s.store.GetExecution(ctx, id)
	if err != nil {
		return nil, err
	}
	if execution.Terminal(x.Status) {
		return nil, fmt.Errorf("%w: execution %s already ended (%s)", model.ErrConflict, id, x.Status)
	}
	if err := s.store.RequestCancel(ctx, id, s.now()); err != nil {
		return nil, err
	}
	return &reply{status: http.StatusAccepted, body: cancelAnswer{ExecutionID: id, Status: "CANCELLING"}}, nil
}

// cancellations tells a runtime which of its running executions to stop.
func (s *Server) cancellations(c *call) (*reply, error) {
	var q cancellationQuery
	if err := decodeBody(c.r, &q); err != nil {
		return nil, err
	}
	if len(q.IDs) > MaxCancelQuery {
		return nil, model.Invalidf("ids", "%d ids; ask about at most %d at once", len(q.IDs), MaxCancelQuery)
	}
	ids, err := s.store.CancelRequested(c.r.Context(), q.IDs)
	if err != nil {
		return nil, err
	}
	if ids == nil {
		ids = []string{}
	}
	return ok(cancellationQuery{IDs: ids})
}

var deliveryStatuses = []string{model.DeliveryPending, model.DeliveryDelivered, model.DeliveryFailed}

func (s *Server) listDeliveries(c *call) (*reply, error) {
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	f := store.DeliveryFilter{ExecutionID: q.Get("execution"), Status: strings.ToUpper(q.Get("status"))}
	if f.Status != "" && !slices.Contains(deliveryStatuses, f.Status) {
		return nil, model.Invalidf("status", "%q is not a delivery status (%s)", q.Get("status"), strings.Join(deliveryStatuses, ", "))
	}
	items, next, err := s.store.ListDeliveries(c.r.Context(), f, page)
	if err != nil {
		return nil, err
	}
	return okList(items, next)
}

func (s *Server) getDelivery(c *call) (*reply, error) {
	d, err := s.store.GetDelivery(c.r.Context(), c.r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return ok(d)
}

func (s *Server) resendDelivery(c *call) (*reply, error) {
	d, err := s.store.ResendDelivery(c.r.Context(), c.r.PathValue("id"), s.now())
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusAccepted, body: d}, nil
}

// sweepAsync deletes the kept results whose retention has passed, and the
// finished deliveries and cancel requests older than keep.
func (s *Server) sweepAsync(ctx context.Context, keep time.Duration) {
	if n, err := s.store.DeleteAsyncBefore(ctx, s.now().Add(-keep)); err != nil {
		s.log.Warn("deleting old webhook deliveries", "err", err)
	} else if n > 0 {
		s.log.Debug("deleted old webhook deliveries", "count", n)
	}
	s.sweepResults(ctx)
}

// sweepResults deletes the kept results whose retention has passed.
func (s *Server) sweepResults(ctx context.Context) {
	n, err := s.store.DeleteExpiredResults(ctx, s.now())
	if err != nil {
		s.log.Warn("deleting expired execution results", "err", err)
	} else if n > 0 {
		s.log.Debug("deleted expired execution results", "count", n)
	}
}
