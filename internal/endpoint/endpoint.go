package endpoint

import (
	"context"
	"log/slog"
	"time"

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
	// Name is the process's name as execution records show it; the styles
	// fill it from the key of their process map when empty.
	Name string
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
	// Recorder receives the executions; nil records nothing.
	Recorder Recorder
	// Environment and RuntimeID label the records.
	Environment, RuntimeID string
	// API and APIVersion name the api component whose endpoints these
	// are; the REST style's compiler sets them per API.
	API, APIVersion string
	// RecordLimitBytes caps the input and the output copied into a record,
	// each (DefaultRecordLimit when zero or negative, at most
	// MaxRecordLimit).
	RecordLimitBytes int
	// Async runs the executions that outlive their request (X-Max-Wait,
	// async endpoints); nil serves every request synchronously and
	// ignores X-Max-Wait.
	Async Async
}

// Recorder takes the executions of the endpoints. Both methods are called on
// the request's goroutine after the answer is written, so they must not
// block: an implementation buffers and sends elsewhere.
type Recorder interface {
	// Record takes the record of one general-mode execution; the
	// recorder owns it from then on.
	Record(rec *model.Execution)
	// CountLowLatency counts one low-latency execution, which leaves no
	// record: only aggregates, to keep that mode cheap.
	CountLowLatency(d time.Duration, failed bool)
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
