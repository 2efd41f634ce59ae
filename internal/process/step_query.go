package process

import (
	"context"

	"github.com/portico-dev/portico/internal/model"
)

// queryStep runs a statement once per document (once with null when there
// are none); the rows of all runs become the documents.
type queryStep struct{ sql *sqlCall }

func (c *compiler) query(p string, s *model.SQLStep) step {
	if call := c.sqlCall(p, s); call != nil {
		return &queryStep{sql: call}
	}
	return nil
}

func (s *queryStep) Run(ctx context.Context, x *execution) error {
	var out []any
	for _, doc := range x.inputs() {
		args, err := s.sql.args(ctx, x, doc)
		if err != nil {
			return err
		}
		rows, err := s.sql.stmt.Query(ctx, args)
		if err != nil {
			return err
		}
		if len(out)+len(rows) > MaxDocuments {
			return tooMany(len(out) + len(rows))
		}
		if out == nil {
			out = make([]any, 0, len(rows))
		}
		for _, r := range rows {
			out = append(out, Normalize(r))
		}
	}
	if out == nil {
		out = []any{}
	}
	x.docs = out
	return nil
}
