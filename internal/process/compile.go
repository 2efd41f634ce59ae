package process

import (
	"fmt"
	"slices"

	"github.com/portico-dev/portico/internal/model"
)

// compiler compiles the steps of one process, collecting every error so
// that a user fixes them all in one round.
type compiler struct {
	self *Process // the process being compiled, for nested step lists
	res  Resources
	errs []model.FieldError
}

func (c *compiler) fail(path string, format string, args ...any) {
	c.errs = append(c.errs, model.FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (c *compiler) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return &model.ValidationError{Fields: c.errs}
}

// steps compiles a step list found at path.
func (c *compiler) steps(path string, specs []model.Step) []compiledStep {
	out := make([]compiledStep, 0, len(specs))
	for i := range specs {
		s, p := c.step(fmt.Sprintf("%s[%d]", path, i), &specs[i])
		if s != nil {
			out = append(out, compiledStep{path: p, step: s})
		}
	}
	return out
}

// step compiles one step; nil when it has errors (recorded). p is the
// step's path without its action (spec.steps[2]).
func (c *compiler) step(p string, st *model.Step) (step, string) {
	switch {
	case st.Query != nil:
		return c.query(p+".query", st.Query), p + ".query"
	case st.Exec != nil:
		return c.exec(p+".exec", st.Exec), p + ".exec"
	case st.HTTP != nil:
		return c.http(p+".http", st.HTTP), p + ".http"
	case st.Map != nil:
		return c.mapStep(p+".map", st.Map), p + ".map"
	case st.Set != nil:
		return c.set(p+".set", st.Set), p + ".set"
	case st.Decide != nil:
		return c.decide(p+".decide", st.Decide), p + ".decide"
	case st.Foreach != nil:
		return c.foreach(p+".foreach", st.Foreach), p + ".foreach"
	case st.Call != nil:
		return c.call(p+".call", st.Call), p + ".call"
	case st.Return != nil:
		return compileReturn(st.Return), p + ".return"
	case st.Fail != nil:
		return compileFail(st.Fail), p + ".fail"
	}
	c.fail(p, "a step needs exactly one action")
	return nil, p
}

// jq compiles a jq program found at path; nil when it does not compile.
func (c *compiler) jq(path, src string) *jqProgram {
	if src == "" {
		c.fail(path, "is required")
		return nil
	}
	j, err := compileJQ(src)
	if err != nil {
		c.fail(path, "%v", err)
		return nil
	}
	return j
}

// namedJQ is a jq program producing a named value: a SQL parameter, a
// property, a header.
type namedJQ struct {
	name string
	prog *jqProgram
}

// jqMap compiles a map of names to jq programs, sorted by name so that
// executions are deterministic.
func (c *compiler) jqMap(path string, m map[string]string) []namedJQ {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]namedJQ, 0, len(names))
	for _, n := range names {
		if j := c.jq(path+"."+n, m[n]); j != nil {
			out = append(out, namedJQ{name: n, prog: j})
		}
	}
	return out
}
