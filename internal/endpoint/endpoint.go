package endpoint

import (
	"context"
	"log/slog"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// Runner runs one compiled process; *process.Process implements it.
type Runner interface {
	Run(ctx context.Context, in process.Input) (*process.Result, error)
}

// The engine's compiled process is what the endpoints run.
var _ Runner = (*process.Process)(nil)

// RunnerWithSpec is a compiled process with the spec it was compiled from,
// whose profiles, maxDocuments and operation the endpoints read.
type RunnerWithSpec struct {
	Runner Runner
	Spec   *model.ProcessSpec
}

// Options tune an endpoint style; the zero value is usable.
type Options struct {
	// Prefix is where the style is mounted ("/ws/rest", "/ws/simple"
	// when empty).
	Prefix string
	// MaxBodyBytes caps request bodies (codec.DefaultMaxBody, 10 MiB,
	// when zero or negative).
	MaxBodyBytes int64
	// TokenKey signs moreDataToken values. When empty a random key is
	// drawn at compile time, so tokens do not outlive the compiled value
	// (a new snapshot answers an old token with 400).
	TokenKey []byte
	// Logger receives the errors clients only see as an execution id
	// (slog.Default() when nil).
	Logger *slog.Logger
}

// ExecutionIDHeader carries the execution id on every answer.
const ExecutionIDHeader = "X-Execution-Id"

type userKey struct{}

// WithUser returns ctx carrying the authenticated principal, set by the
// security layer and seen by processes as inuser.
func WithUser(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, userKey{}, name)
}

// User returns the principal WithUser stored, or "".
func User(ctx context.Context) string {
	s, _ := ctx.Value(userKey{}).(string)
	return s
}
