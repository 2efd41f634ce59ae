package process

import (
	"context"
	"fmt"
	"strconv"

	"github.com/portico-dev/portico/internal/model"
)

// Process is a compiled process: immutable once defined, safe for
// concurrent executions.
type Process struct {
	name  string
	spec  *model.ProcessSpec
	steps []compiledStep
	// serial holds one token while an execution runs when the spec does not
	// allow simultaneous executions; nil otherwise.
	serial  chan struct{}
	defined bool
}

// Compile compiles a process spec: its jq programs, conditions and SQL
// statements, and the connections and processes its steps use. Errors name
// each step's path (spec.steps[2].map.jq) and wrap model.ErrInvalid.
func Compile(name string, spec *model.ProcessSpec, res Resources) (*Process, error) {
	p := Declare(name)
	if err := p.Define(spec, res); err != nil {
		return nil, err
	}
	return p, nil
}

// Declare returns a process that exists by name but has no steps yet, for a
// Resources.Process to hand out while the processes of a snapshot compile
// (a process may call itself or form a cycle). Define fills it in.
func Declare(name string) *Process { return &Process{name: name} }

// Define compiles spec into a declared process. It must happen before any
// execution of the process or of a process that calls it; a process whose
// definition failed refuses to run (ErrUndefined).
func (p *Process) Define(spec *model.ProcessSpec, res Resources) error {
	if p.defined {
		return fmt.Errorf("process %s is already defined", p.name)
	}
	if err := spec.Validate(); err != nil {
		return fmt.Errorf("process %s: %w", p.name, err)
	}
	c := compiler{self: p, res: res}
	steps := c.steps("spec.steps", spec.Steps)
	if err := c.err(); err != nil {
		return fmt.Errorf("process %s: %w", p.name, err)
	}
	p.spec, p.steps, p.defined = spec, steps, true
	if spec.AllowSimultaneous != nil && !*spec.AllowSimultaneous {
		p.serial = make(chan struct{}, 1)
	}
	return nil
}

// Name is the process's name.
func (p *Process) Name() string { return p.name }

// Spec is the spec the process was compiled from (nil until defined).
func (p *Process) Spec() *model.ProcessSpec { return p.spec }

// Run executes the process. It takes ownership of in.Documents and
// in.Props: the steps modify the properties in place and the Result holds
// that same map. Documents must be in gojq's representation (see
// Normalize); properties are normalized here. A process that does not allow
// simultaneous executions waits for the running one (or for ctx).
func (p *Process) Run(ctx context.Context, in Input) (*Result, error) {
	if !p.defined {
		return nil, fmt.Errorf("process %s: %w", p.name, ErrUndefined)
	}
	if p.serial != nil {
		select {
		case p.serial <- struct{}{}:
			defer func() { <-p.serial }()
		case <-ctx.Done():
			return nil, fmt.Errorf("process %s: waiting for the running execution: %w", p.name, ctx.Err())
		}
	}
	if len(in.Documents) > MaxDocuments {
		return nil, fmt.Errorf("process %s: %d documents in: %w", p.name, len(in.Documents), ErrTooManyDocuments)
	}
	x := &execution{docs: in.Documents, props: in.Props}
	if x.props == nil {
		x.props = make(map[string]any)
	} else {
		Normalize(x.props)
	}
	if err := runSteps(ctx, x, p, p.steps); err != nil {
		return nil, err
	}
	x.res = Result{Documents: x.docs, Props: x.props, Status: x.status}
	if x.res.Status == 0 {
		x.res.Status = statusProperty(x.props["outstatuscode"])
	}
	return &x.res, nil
}

// statusProperty reads outstatuscode: an integer or a string holding one,
// within 100-599; anything else leaves the status to the caller (0).
func statusProperty(v any) int {
	var n int
	switch v := v.(type) {
	case int:
		n = v
	case float64:
		n = int(v)
		if float64(n) != v {
			return 0
		}
	case string:
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			return 0
		}
	}
	if n < 100 || n > 599 {
		return 0
	}
	return n
}
