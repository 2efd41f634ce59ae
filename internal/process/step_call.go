package process

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/internal/model"
)

// callStep runs another process (or this one) with the current documents
// and properties. Its documents replace the current ones; the properties
// are shared, so what it sets stays set. Its return ends only itself.
type callStep struct{ callee *Process }

func (c *compiler) call(p string, s *model.CallStep) step {
	callee, err := c.res.Process(s.Process)
	if err != nil {
		c.fail(p+".process", "%v", err)
		return nil
	}
	if callee == nil {
		c.fail(p+".process", "process %s: %v", s.Process, ErrUndefined)
		return nil
	}
	return &callStep{callee: callee}
}

func (s *callStep) Run(ctx context.Context, x *execution) error {
	// The callee was possibly still compiling when this step was; by now
	// it is defined, or its definition failed.
	if !s.callee.defined {
		return fmt.Errorf("process %s: %w", s.callee.name, ErrUndefined)
	}
	if x.depth >= MaxCallDepth {
		return fmt.Errorf("process %s: more than %d nested calls: %w", s.callee.name, MaxCallDepth, ErrRecursion)
	}
	x.depth++
	err := runSteps(ctx, x, s.callee, s.callee.steps)
	x.depth--
	x.done, x.status = false, 0
	return err
}
