package platform

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store"
)

// MaxExecutionBatch is the most records one POST /executions/batch carries.
const MaxExecutionBatch = 1000

// executionBatch is the body of POST /executions/batch.
type executionBatch struct {
	Items []model.Execution `json:"items"`
}

// executionBatchAnswer says how many records were added or moved to a
// further status; records already stored as sent do not count.
type executionBatchAnswer struct {
	Inserted int `json:"inserted"`
}

func (s *Server) postExecutions(c *call) (*reply, error) {
	var req executionBatch
	if err := decodeBody(c.r, &req); err != nil {
		return nil, err
	}
	if len(req.Items) > MaxExecutionBatch {
		return nil, model.Invalidf("items", "%d records; a batch carries at most %d", len(req.Items), MaxExecutionBatch)
	}
	var invalid model.ValidationError
	recs := make([]*model.Execution, len(req.Items))
	for i := range req.Items {
		x := &req.Items[i]
		// A JSON null document is no document.
		if string(x.Input) == "null" {
			x.Input = nil
		}
		if string(x.Output) == "null" {
			x.Output = nil
		}
		if err := x.Validate(); err != nil {
			var ve *model.ValidationError
			if !errors.As(err, &ve) {
				return nil, err
			}
			invalid.Fields = append(invalid.Fields, prefixed("items["+itoa(int64(i))+"]", ve).Fields...)
		}
		recs[i] = x
	}
	if len(invalid.Fields) > 0 {
		return nil, &invalid
	}
	n, err := s.store.InsertExecutions(c.r.Context(), recs)
	if err != nil {
		return nil, err
	}
	if err := s.saveOutcomes(c.r.Context(), recs); err != nil {
		return nil, err
	}
	return ok(executionBatchAnswer{Inserted: n})
}

func (s *Server) listExecutions(c *call) (*reply, error) {
	page, err := pageOf(c.r)
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	f := store.ExecutionFilter{
		Environment: q.Get("environment"),
		Process:     q.Get("process"),
		API:         q.Get("api"),
		Status:      strings.ToUpper(q.Get("status")),
	}
	if f.Status != "" && !slices.Contains(model.ExecutionStatuses, f.Status) {
		return nil, model.Invalidf("status", "%q is not an execution status (%s)", q.Get("status"), strings.Join(model.ExecutionStatuses, ", "))
	}
	if f.Since, err = timeParam(c.r, "since"); err != nil {
		return nil, err
	}
	if f.Until, err = timeParam(c.r, "until"); err != nil {
		return nil, err
	}
	items, next, err := s.store.ListExecutions(c.r.Context(), f, page)
	if err != nil {
		return nil, err
	}
	return okList(items, next)
}

func (s *Server) getExecution(c *call) (*reply, error) {
	x, err := s.store.GetExecution(c.r.Context(), c.r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return ok(x)
}

// timeParam reads an RFC 3339 query parameter; zero when absent.
func timeParam(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, model.Invalidf(name, "%q is not an RFC 3339 time such as 2026-03-01T12:00:00Z", v)
	}
	return t, nil
}
