package process

import (
	"context"
	"fmt"

	"github.com/portico-dev/portico/internal/model"
)

// setStep sets properties, each to the first output of a jq program over
// the first document (null when there is none). Every program sees the
// properties as they were before the step.
type setStep struct{ props []namedJQ }

func (c *compiler) set(p string, s *model.SetStep) step {
	props := c.jqMap(p+".properties", s.Properties)
	if len(props) != len(s.Properties) {
		return nil
	}
	return &setStep{props: props}
}

func (s *setStep) Run(ctx context.Context, x *execution) error {
	var buf [8]any
	vals := buf[:0]
	doc := x.first()
	for _, p := range s.props {
		v, err := p.prog.first(ctx, x, doc)
		if err != nil {
			return fmt.Errorf("properties.%s: %w", p.name, err)
		}
		vals = append(vals, v)
	}
	for i, p := range s.props {
		x.props[p.name] = vals[i]
	}
	return nil
}
