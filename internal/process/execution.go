package process

import (
	"context"
	"errors"
	"fmt"
)

// step is one compiled step. Run transforms the execution's state; an error
// ends the execution.
type step interface {
	Run(ctx context.Context, x *execution) error
}

// compiledStep is a step with its location, precomputed so that the error
// path allocates nothing until an error occurs.
type compiledStep struct {
	path string
	step step
}

// execution is the state of one run: the current documents and the
// properties. Steps replace docs with a new slice rather than writing into
// it, since the first one belongs to the caller.
type execution struct {
	docs   []any
	props  map[string]any
	depth  int  // nested call steps
	done   bool // a return step ran
	status int  // the status the return step asked for
	vars   [1]any
	cond   condEnv
	res    Result
}

// runSteps runs steps in order until one fails or a return step ran.
// Errors are located at the innermost step: errors that are already
// StepErrors or Failures pass through the enclosing decide, foreach and
// call steps unchanged.
func runSteps(ctx context.Context, x *execution, p *Process, steps []compiledStep) error {
	for i := range steps {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("process %s: before %s: %w", p.name, steps[i].path, err)
		}
		if err := steps[i].step.Run(ctx, x); err != nil {
			return locate(p, steps[i].path, err)
		}
		if len(x.docs) > MaxDocuments {
			return locate(p, steps[i].path, fmt.Errorf("%d documents: %w", len(x.docs), ErrTooManyDocuments))
		}
		if x.done {
			return nil
		}
	}
	return nil
}

func locate(p *Process, path string, err error) error {
	var (
		se *StepError
		f  *Failure
	)
	if errors.As(err, &se) || errors.As(err, &f) {
		return err
	}
	return &StepError{Process: p.name, Path: path, Err: err}
}

// input is the value a per-document step runs over when there are no
// documents: once, with null.
func (x *execution) inputs() []any {
	if len(x.docs) == 0 {
		return nullInput
	}
	return x.docs
}

// nullInput is read, never written.
var nullInput = []any{nil}

// first is the first document, or nil.
func (x *execution) first() any {
	if len(x.docs) == 0 {
		return nil
	}
	return x.docs[0]
}

// tooMany is the error of a step whose output outgrew MaxDocuments.
func tooMany(n int) error {
	return fmt.Errorf("more than %d documents (%d): %w", MaxDocuments, n, ErrTooManyDocuments)
}
