package process

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/internal/model"
)

// foreachStep runs its steps once per item that a jq program yields over
// each document, with that item as the only document; the documents each
// run ends with, concatenated, become the documents. Properties are shared:
// what one run sets, the next run and the steps after the foreach see.
type foreachStep struct {
	p     *Process
	items *jqProgram
	steps []compiledStep
}

func (c *compiler) foreach(p string, s *model.ForeachStep) step {
	items := c.jq(p+".items", s.Items)
	steps := c.steps(p+".steps", s.Steps)
	if items == nil {
		return nil
	}
	return &foreachStep{p: c.self, items: items, steps: steps}
}

func (s *foreachStep) Run(ctx context.Context, x *execution) error {
	in := x.docs
	out := make([]any, 0, len(in))
	for _, doc := range in {
		it := s.items.run(ctx, x, doc)
		for {
			item, ok, err := next(it)
			if err != nil {
				return fmt.Errorf("items: %w", err)
			}
			if !ok {
				break
			}
			x.docs = []any{item}
			if err := runSteps(ctx, x, s.p, s.steps); err != nil {
				return err
			}
			if x.done {
				// A return inside the loop ends the process with this
				// run's documents.
				return nil
			}
			if len(out)+len(x.docs) > MaxDocuments {
				return tooMany(len(out) + len(x.docs))
			}
			out = append(out, x.docs...)
		}
	}
	x.docs = out
	return nil
}
