package process

import (
	"context"
	"errors"
	"fmt"

	"github.com/itchyny/gojq"
)

// jqProgram is a jq program compiled once; it sees the current document as
// `.` and the properties as `$props`.
type jqProgram struct {
	code *gojq.Code
	fast fastPath
}

// compileJQ parses and compiles a jq program. The OS environment stays out
// of reach ($ENV and env are empty): gojq only exposes it when asked to.
func compileJQ(src string) (*jqProgram, error) {
	q, err := gojq.Parse(src)
	if err != nil {
		return nil, err
	}
	code, err := gojq.Compile(q, gojq.WithVariables([]string{"$props"}))
	if err != nil {
		return nil, err
	}
	return &jqProgram{code: code, fast: compileFastPath(q, code)}, nil
}

// run starts the program over v with the execution's properties.
func (j *jqProgram) run(ctx context.Context, x *execution, v any) gojq.Iter {
	x.vars[0] = x.props
	return j.code.RunWithContext(ctx, v, x.vars[:]...)
}

// next returns the next output of it, reporting the end with ok false. An
// error output is returned as err; halt ends the outputs, halt_error fails.
func next(it gojq.Iter) (v any, ok bool, err error) {
	v, ok = it.Next()
	if !ok {
		return nil, false, nil
	}
	if e, isErr := v.(error); isErr {
		var h *gojq.HaltError
		if errors.As(e, &h) && h.Value() == nil {
			return nil, false, nil
		}
		return nil, false, e
	}
	return v, true, nil
}

// first returns the first output of the program over v (nil when it has
// none).
func (j *jqProgram) first(ctx context.Context, x *execution, v any) (any, error) {
	if out, ok := j.fast.eval(x, v); ok {
		return out, nil
	}
	out, _, err := next(j.run(ctx, x, v))
	return out, err
}

// single returns the only output of the program over v (nil when it has
// none) and fails when it yields a second one.
func (j *jqProgram) single(ctx context.Context, x *execution, v any) (any, error) {
	if out, ok := j.fast.eval(x, v); ok {
		return out, nil
	}
	it := j.run(ctx, x, v)
	out, _, err := next(it)
	if err != nil {
		return nil, err
	}
	if _, more, err := next(it); err != nil {
		return nil, err
	} else if more {
		return nil, fmt.Errorf("yields more than one value")
	}
	return out, nil
}
