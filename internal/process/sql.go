package process

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

// sqlCall is what query and exec share: a prepared statement and the jq
// program of each of its named parameters.
type sqlCall struct {
	stmt   Statement
	params []namedJQ
}

// compileSQL prepares a statement and checks that its named parameters and
// the step's params match exactly, both ways.
func (c *compiler) sqlCall(p string, s *model.SQLStep) *sqlCall {
	db, err := c.res.SQL(s.Connection)
	if err != nil {
		c.fail(p+".connection", "%v", err)
		return nil
	}
	stmt, err := db.Prepare(s.SQL)
	if err != nil {
		c.fail(p+".sql", "%v", err)
		return nil
	}
	params := c.jqMap(p+".params", s.Params)
	ok := len(params) == len(s.Params)
	used := stmt.Params()
	var missing []string
	for _, n := range used {
		if _, found := s.Params[n]; !found {
			missing = append(missing, ":"+n)
		}
	}
	if len(missing) > 0 {
		c.fail(p+".params", "no value for %s", strings.Join(missing, ", "))
		ok = false
	}
	for _, n := range params {
		if !slices.Contains(used, n.name) {
			c.fail(p+".params."+n.name, "the statement has no :%s", n.name)
			ok = false
		}
	}
	if !ok {
		return nil
	}
	return &sqlCall{stmt: stmt, params: params}
}

// args evaluates the parameters over one document. Each must yield at most
// one value; none is NULL.
func (s *sqlCall) args(ctx context.Context, x *execution, doc any) (map[string]any, error) {
	args := make(map[string]any, len(s.params))
	for _, p := range s.params {
		v, err := p.prog.single(ctx, x, doc)
		if err != nil {
			return nil, fmt.Errorf("params.%s: %w", p.name, err)
		}
		args[p.name] = v
	}
	return args, nil
}
