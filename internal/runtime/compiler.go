package runtime

import (
	"context"
	"net/http"

	"github.com/portico-dev/portico/internal/model"
)

// Compiler turns a snapshot into a Compiled value, once per revision, so that
// a request only looks things up. prev is the value serving now (nil at
// start); a compiler may reuse its resources, such as the pool of a
// connection that did not change. A compiler that fails must release what it
// acquired for the failed attempt: the runtime then keeps serving prev.
type Compiler interface {
	Compile(ctx context.Context, snap *model.Snapshot, prev *Compiled) (*Compiled, error)
}

// CompilerFunc adapts a function to Compiler.
type CompilerFunc func(ctx context.Context, snap *model.Snapshot, prev *Compiled) (*Compiled, error)

// Compile calls f.
func (f CompilerFunc) Compile(ctx context.Context, snap *model.Snapshot, prev *Compiled) (*Compiled, error) {
	return f(ctx, snap, prev)
}

// NotFoundCompiler compiles every snapshot to a handler that has no routes:
// each request under /ws/ is a 404 problem. It is the default until the API
// styles are compiled.
type NotFoundCompiler struct{}

// Compile returns a Compiled value that answers 404 to everything.
func (NotFoundCompiler) Compile(_ context.Context, snap *model.Snapshot, _ *Compiled) (*Compiled, error) {
	return NewCompiled(snap.Revision, http.HandlerFunc(noRoute), nil), nil
}

// noRoute answers a request that no deployed API serves.
func noRoute(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, r, http.StatusNotFound, "no route for "+r.Method+" "+r.URL.Path)
}
