package process

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/internal/model"
)

// decideStep runs its then steps when a condition holds, its else steps
// otherwise, over the same documents and properties.
type decideStep struct {
	p    *Process
	cond *condition
	then []compiledStep
	els  []compiledStep
}

func (c *compiler) decide(p string, s *model.DecideStep) step {
	cond, err := compileCondition(s.If)
	if err != nil {
		c.fail(p+".if", "%v", err)
	}
	then := c.steps(p+".then", s.Then)
	els := c.steps(p+".else", s.Else)
	if err != nil {
		return nil
	}
	return &decideStep{p: c.self, cond: cond, then: then, els: els}
}

func (s *decideStep) Run(ctx context.Context, x *execution) error {
	ok, err := s.cond.eval(x)
	if err != nil {
		return fmt.Errorf("if: %w", err)
	}
	if ok {
		return runSteps(ctx, x, s.p, s.then)
	}
	return runSteps(ctx, x, s.p, s.els)
}
