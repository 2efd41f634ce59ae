// Package route carries, in a request's context, what the request was routed
// to: the API, endpoint and process that served it. The runtime's telemetry
// puts an empty Info in the context before routing; the styles fill it in
// with values they prepared at compile time, and the telemetry reads it
// back once the answer is out to label metrics, aggregates and logs.
//
// It imports nothing of ours so that every layer may set it.
package route

import "context"

// Info is what served a request. The zero value means unknown.
type Info struct {
	// API is the API component's name ("erp"); empty outside APIs.
	API string
	// Endpoint is the operation as declared, never the raw path:
	// "GET /customers/{id}", "getCustomer", a SOAP operation name.
	Endpoint string
	// Process is the process that ran, when one did.
	Process string
}

type key struct{}

// With returns a context holding a fresh Info, and that Info.
func With(ctx context.Context) (context.Context, *Info) {
	in := &Info{}
	return context.WithValue(ctx, key{}, in), in
}

// Attach is With for a server that makes each request's context itself
// (the runtime's lean HTTP/1.1 loop): Middleware finds the Info there and
// need not copy the request to add one.
func Attach(ctx context.Context) context.Context {
	ctx, _ = With(ctx)
	return ctx
}

// From returns the Info of ctx, or nil when the request is not tracked.
func From(ctx context.Context) *Info {
	in, _ := ctx.Value(key{}).(*Info)
	return in
}

// Set records what serves the request; it does nothing when the request is
// not tracked. Values are meant to be prepared once per compiled endpoint,
// so that Set costs no allocation.
func Set(ctx context.Context, api, endpoint, process string) {
	if in := From(ctx); in != nil {
		in.API, in.Endpoint, in.Process = api, endpoint, process
	}
}
