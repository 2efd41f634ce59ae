package compile

import (
	"net/http"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/simple"
	"github.com/portico-dev/portico/internal/model"
)

// simpleStyle serves services enablement: processes deployed on their own
// answer at /ws/simple/{type}{Object} when they declare an operation.
type simpleStyle struct {
	c          *Compiler
	opts       endpoint.Options
	operations map[string]endpoint.RunnerWithSpec
}

func newSimpleStyle(c *Compiler) *simpleStyle {
	return &simpleStyle{c: c, operations: map[string]endpoint.RunnerWithSpec{}}
}

func (s *simpleStyle) add(u *unit) error {
	s.opts = u.opts
	if spec, ok := u.root.Spec.(*model.ProcessSpec); ok && spec.Operation != nil {
		s.operations[u.root.Name] = u.pkg.procs[u.root.Name]
	}
	return nil
}

func (s *simpleStyle) mount(mux *http.ServeMux) error {
	h, err := simple.Compile(s.operations, withPrefix(s.opts, simple.DefaultPrefix))
	if err != nil {
		return err
	}
	mux.Handle(simple.DefaultPrefix+"/", h)
	return nil
}
