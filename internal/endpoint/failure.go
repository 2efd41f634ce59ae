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
// violated constraint is 409 (unique, foreign key) or 422 (not-null,
// check) naming it; another conflict is 409. Anything else, a process's
// own model.ErrInvalid included (a missing named argument is the
// process's fault, not the client's), is a 500 whose detail only names
// the execution: SQL text and Go errors stay in the log.
func Problem(err error, id string) *problem.Problem {
	var p *problem.Problem
	var f *process.Failure
	var cv constraintViolation
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
	case errors.As(err, &cv) && violationStatus[kindOf(cv)] != 0:
		p = violationProblem(cv)
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
	if TimeLimited(r.Context()) {
		p := TimeLimitProblem(id)
		x.log.Warn("execution cut by the time limit", "operation", x.name, "execution", id, "err", err)
		problem.Write(w, r, p)
		return outcome{status: p.Status, failed: true, message: p.Detail}
	}
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

// constraintViolation is what a database connector's error offers when a
// constraint refused the data (sqldb.ConstraintError), declared here so
// that endpoints do not depend on a connector: the kind ("unique",
// "foreignKey", "notNull", "check"; "" for no violation), the
// constraint's name and what it is on ("customers.email"), each "" when
// the database did not tell. None of them holds a value or SQL text.
type constraintViolation interface {
	Constraint() (kind, name, on string)
}

// violationStatus answers a collision with stored data with 409, which a
// client resolves by looking at what is there, and data the schema
// refuses whatever is stored with 422, which only a change of the data
// resolves.
var violationStatus = map[string]int{
	"unique":     http.StatusConflict,
	"foreignKey": http.StatusConflict,
	"notNull":    http.StatusUnprocessableEntity,
	"check":      http.StatusUnprocessableEntity,
}

// violationLabels spell the kinds in a detail.
var violationLabels = map[string]string{
	"unique":     "unique",
	"foreignKey": "foreign key",
	"notNull":    "not-null",
	"check":      "check",
}

func kindOf(cv constraintViolation) string {
	kind, _, _ := cv.Constraint()
	return kind
}

// violationProblem is "the data violates unique constraint
// customers_email_key on customers.email", code "uniqueViolation".
func violationProblem(cv constraintViolation) *problem.Problem {
	kind, name, on := cv.Constraint()
	detail := "the data violates a " + violationLabels[kind] + " constraint"
	if name != "" {
		detail = "the data violates " + violationLabels[kind] + " constraint " + name
	}
	if on != "" {
		detail += " on " + on
	}
	p := problem.New(violationStatus[kind], detail)
	p.Code = kind + "Violation"
	return p
}
