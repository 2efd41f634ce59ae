package process

import (
	"context"

	"github.com/portico-dev/portico/internal/model"
)

// mapStep replaces each document with every output of a jq program (none,
// one or several).
type mapStep struct{ prog *jqProgram }

func (c *compiler) mapStep(p string, s *model.MapStep) step {
	if j := c.jq(p+".jq", s.JQ); j != nil {
		return &mapStep{prog: j}
	}
	return nil
}

func (s *mapStep) Run(ctx context.Context, x *execution) error {
	out := make([]any, 0, len(x.docs))
	for _, doc := range x.docs {
		if v, ok := s.prog.fast.eval(x, doc); ok {
			out = append(out, v)
			continue
		}
		it := s.prog.run(ctx, x, doc)
		for {
			v, ok, err := next(it)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if len(out) == MaxDocuments {
				return tooMany(len(out) + 1)
			}
			out = append(out, v)
		}
	}
	x.docs = out
	return nil
}
