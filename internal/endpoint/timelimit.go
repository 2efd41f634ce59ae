package endpoint

import (
	"context"
	"errors"

	"github.com/portico-dev/portico/internal/endpoint/problem"
)

// ErrTimeLimit is the cause of a request context cancelled by the
// environment's execution time limit: the execution is cancelled (its
// database transaction rolls back) and the caller gets 522.
var ErrTimeLimit = errors.New("the execution ran longer than the environment's time limit")

// StatusTimeLimit is the answer to an execution cut by the time limit.
const StatusTimeLimit = 522

// TimeLimited reports whether ctx ended because of the time limit.
func TimeLimited(ctx context.Context) bool {
	return ctx.Err() != nil && errors.Is(context.Cause(ctx), ErrTimeLimit)
}

// TimeLimitProblem is the 522 answer of execution id.
func TimeLimitProblem(id string) *problem.Problem {
	p := problem.New(StatusTimeLimit, "the execution ran longer than the environment's time limit and was cancelled; see execution "+id)
	p.Title = "Execution Time Limit Exceeded"
	p.Code = "time-limit"
	p.ExecutionID = id
	return p
}
