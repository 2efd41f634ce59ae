// Package process compiles process specs into runnable pipelines of steps and
// runs them over documents (JSON values) and properties. Everything that can
// be prepared — jq programs, conditions, SQL statements — is compiled once,
// by Compile, when a snapshot is compiled; Run only does the per-request work.
package process

import (
	"context"
	"io"
	"net/http"
)

// Input is what an execution starts with: the documents and the properties
// (param_*, query_*, inheader_*, inmethod, inpath, inuser, execution_id).
// Documents are JSON values in gojq's representation: nil, bool, int,
// float64, *big.Int, string, []any, map[string]any.
type Input struct {
	Documents []any
	Props     map[string]any
}

// Result is what an execution hands back: the documents of its return (or
// of its last step), its properties (outstatuscode, outheader_*), and the
// status a return step or outstatuscode asked for (0: the endpoint decides).
type Result struct {
	Documents []any
	Props     map[string]any
	Status    int
}

// SQL is a database connection as the query and exec steps see it. The
// connector/sqldb package implements it.
type SQL interface {
	// Prepare parses a statement with named parameters (":name") once, at
	// compile time, into the driver's placeholders.
	Prepare(sql string) (Statement, error)
}

// Statement is a parsed statement bound per execution with named arguments.
type Statement interface {
	// Params lists the named parameters, in order of first appearance.
	Params() []string
	// Query runs the statement and returns its rows as JSON objects.
	Query(ctx context.Context, args map[string]any) ([]map[string]any, error)
	// Exec runs the statement for its effect.
	Exec(ctx context.Context, args map[string]any) (rowsAffected int64, err error)
}

// HTTP is an HTTP connection as the http step sees it. The connector/httpc
// package implements it.
type HTTP interface {
	// NewRequest builds a request whose path is relative to the
	// connection's base URL, with the connection's authentication applied.
	NewRequest(ctx context.Context, method, path string, body io.Reader) (*http.Request, error)
	// Do sends a request built by NewRequest.
	Do(req *http.Request) (*http.Response, error)
}

// Resources are what processes may use, resolved from a snapshot.
type Resources interface {
	// SQL returns the database connection of that name.
	SQL(name string) (SQL, error)
	// HTTP returns the HTTP connection of that name.
	HTTP(name string) (HTTP, error)
	// Process returns the compiled process of that name, for call steps; it
	// may still be compiling (a process may call itself), so a call step
	// keeps the pointer and dereferences it only when it runs.
	Process(name string) (*Process, error)
}
