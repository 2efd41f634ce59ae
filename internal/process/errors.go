package process

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors of an execution. A runtime maps them to statuses after
// checking, in this order, *Failure, context.Canceled and
// context.DeadlineExceeded, and model.ErrUnavailable (a connector that cannot
// reach its database), which step errors keep wrapped.
var (
	// ErrStep marks every error a step ran into (a jq or SQL error, an HTTP
	// call answered with an error status, a limit reached): the caller
	// answers 500 without the details.
	ErrStep = errors.New("step failed")
	// ErrTooManyDocuments marks an execution that held more documents than
	// MaxDocuments.
	ErrTooManyDocuments = errors.New("too many documents")
	// ErrRecursion marks call steps nested deeper than MaxCallDepth.
	ErrRecursion = errors.New("call steps nested too deep")
	// ErrUndefined marks a process declared but never defined (or whose
	// definition failed) that is run or called.
	ErrUndefined = errors.New("process is not defined")
)

// Limits of one execution.
const (
	// MaxDocuments caps the documents an execution holds at any time.
	MaxDocuments = 100_000
	// MaxCallDepth caps nested call steps, which may recurse.
	MaxCallDepth = 32
	// MaxHTTPResponse caps the body of a response an http step reads.
	MaxHTTPResponse = 10 << 20
)

// Failure is the error a fail step ends an execution with; the caller
// answers with its status, code and message.
type Failure struct {
	Status  int    // HTTP status, 400-599 (500 when the step sets none)
	Code    string // short code for clients; may be empty
	Message string
}

// Error implements the error interface.
func (f *Failure) Error() string {
	s := "fail " + strconv.Itoa(f.Status)
	if f.Code != "" {
		s += " " + f.Code
	}
	return s + ": " + f.Message
}

// StepError is an error of one step, located by its process and its path
// in the spec ("spec.steps[2].query"). errors.Is(err, ErrStep) holds for
// it, and the cause stays wrapped (model.ErrUnavailable, context errors).
type StepError struct {
	Process string
	Path    string
	Err     error
}

// Error implements the error interface.
func (e *StepError) Error() string {
	return "process " + e.Process + ": " + e.Path + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *StepError) Unwrap() error { return e.Err }

// Is makes every StepError an ErrStep.
func (e *StepError) Is(target error) bool { return target == ErrStep }

// HTTPStatusError is the cause of a failed http step whose host answered
// with a status outside 2xx.
type HTTPStatusError struct {
	Method string
	Path   string
	Status int
}

// Error implements the error interface.
func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("%s %s: host answered %d", e.Method, e.Path, e.Status)
}
