package process

import (
	"context"

	"github.com/portico-dev/portico/internal/model"
)

// execStep runs a statement for its effect once per document (once with
// null when there are none). The documents pass through; the property
// rowsaffected holds the total of rows affected.
type execStep struct{ sql *sqlCall }

func (c *compiler) exec(p string, s *model.SQLStep) step {
	if call := c.sqlCall(p, s); call != nil {
		return &execStep{sql: call}
	}
	return nil
}

func (s *execStep) Run(ctx context.Context, x *execution) error {
	var total int64
	for _, doc := range x.inputs() {
		args, err := s.sql.args(ctx, x, doc)
		if err != nil {
			return err
		}
		n, err := s.sql.stmt.Exec(ctx, args)
		if err != nil {
			return err
		}
		total += n
	}
	x.props["rowsaffected"] = normalizeInt64(total)
	return nil
}
