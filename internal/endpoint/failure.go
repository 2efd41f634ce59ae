package endpoint

import (
	"context"
	"errors"
	"net/http"

	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// RetryAfterSeconds is what a 503 asks clients to wait.
const RetryAfterSeconds = "5"

// Problem maps an error of a request to the answer its client gets. A
// *problem.Problem is already one; a *process.Failure carries the status,
// code and message a fail step chose; a deadline met while waiting on an
// upstream is 504; an unavailable database is 503 with Retry-After; a
// constraint conflict is 409 (in the order the engine documents). Anything else is a 500 whose
// detail only names the execution: SQL text and Go errors stay in the log.
func Problem(err error, id string) *problem.Problem {
	var p *problem.Problem
	var f *process.Failure
	switch {
	case errors.As(err, &p):
		cp := *p
		p = &cp
	case errors.As(err, &f):
		status := f.Status
		if status < 400 || status > 599 {
			status = http.StatusInternalServerError
		}
		p = problem.New(status, f.Message)
		p.Code = f.Code
	case errors.Is(err, context.DeadlineExceeded):
		p = problem.New(http.StatusGatewayTimeout, "an upstream did not answer in time; see execution "+id)
	case errors.Is(err, model.ErrUnavailable):
		p = problem.New(http.StatusServiceUnavailable, "the database is unavailable; try again later")
		p.WithHeader("Retry-After", RetryAfterSeconds)
	case errors.Is(err, model.ErrConflict):
		// A unique or foreign-key constraint refused the write: the caller's
		// data collides with what is stored, which a CRM retries differently
		// from a server fault.
		p = problem.New(http.StatusConflict, "the request conflicts with existing data (a unique or reference constraint); see execution "+id)
	default:
		p = problem.New(http.StatusInternalServerError, "the process failed; see execution "+id)
	}
	p.ExecutionID = id
	return p
}

// fail writes err as problem+json and logs what the client does not see.
// The outcome holds what the client saw, never err's own text.
func (x *Exchange) fail(w http.ResponseWriter, r *http.Request, id string, err error) outcome {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away; nobody reads an answer.
		x.log.Debug("client gone", "operation", x.name, "execution", id)
		return outcome{failed: true, aborted: true}
	}
	p := Problem(err, id)
	switch {
	case p.Status >= 500:
		x.log.Error("execution failed", "operation", x.name, "execution", id, "status", p.Status, "err", err)
	case p.Status >= 400:
		x.log.Debug("request refused", "operation", x.name, "execution", id, "status", p.Status, "err", err)
	}
	problem.Write(w, r, p)
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	return outcome{status: p.Status, failed: true, message: msg}
}
