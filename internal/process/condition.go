package process

import (
	"errors"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// condEnv is what a condition sees.
type condEnv struct {
	Documents []any          `expr:"documents"`
	Doc       any            `expr:"doc"`
	Props     map[string]any `expr:"props"`
}

// condition is an expr expression compiled once to a boolean program.
type condition struct {
	program *vm.Program
	// vms recycles virtual machines: expr.Run would allocate one per
	// evaluation.
	vms sync.Pool
}

func compileCondition(src string) (*condition, error) {
	p, err := expr.Compile(src, expr.Env(condEnv{}), expr.AsBool())
	if err != nil {
		return nil, err
	}
	return &condition{program: p, vms: sync.Pool{New: func() any { return new(vm.VM) }}}, nil
}

// eval evaluates the condition over the execution's state.
func (c *condition) eval(x *execution) (bool, error) {
	x.cond.Documents = x.docs
	x.cond.Doc = nil
	if len(x.docs) > 0 {
		x.cond.Doc = x.docs[0]
	}
	x.cond.Props = x.props
	m := c.vms.Get().(*vm.VM)
	out, err := m.Run(c.program, &x.cond)
	c.vms.Put(m)
	x.cond = condEnv{} // keep no references beyond the evaluation
	if err != nil {
		// expr appends the source with a caret on more lines; one line
		// reads better in logs and execution records.
		msg, _, _ := strings.Cut(err.Error(), "\n")
		return false, errors.New(msg)
	}
	b, _ := out.(bool)
	return b, nil
}
