// Package simple serves services enablement: every process whose spec
// declares an operation answers at /ws/simple/{type}{Object} (for example
// /ws/simple/getCustomer) without a custom API. POST takes a JSON body,
// GET and HEAD take query parameters only; both hand query parameters over
// as query_{name} strings and answer as a REST json endpoint does.
package simple

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/codec"
	"github.com/portico-dev/portico/internal/endpoint/problem"
)

// DefaultPrefix is where operations are mounted.
const DefaultPrefix = "/ws/simple"

// Trigger names the style in execution records.
const Trigger = "simple"

// allow lists the methods every operation serves.
const allow = "GET, HEAD, POST"

// operation is one process reachable two ways.
type operation struct {
	get, post *endpoint.Exchange
}

// Handler serves the operations of one snapshot; it is immutable.
type Handler struct {
	prefix string // "/ws/simple/"
	ops    map[string]operation
}

// Compile prepares an operation for every process in procs whose spec has
// one. Two processes declaring the same operation is an error naming both.
func Compile(procs map[string]endpoint.RunnerWithSpec, opts endpoint.Options) (*Handler, error) {
	prefix := strings.TrimSuffix(opts.Prefix, "/")
	if prefix == "" {
		prefix = DefaultPrefix
	}
	h := &Handler{prefix: prefix + "/", ops: map[string]operation{}}
	owner := map[string]string{}
	names := make([]string, 0, len(procs))
	for name := range procs {
		names = append(names, name)
	}
	// Sorted, so that a duplicate is reported the same way every time.
	slices.Sort(names)
	for _, name := range names {
		proc := procs[name]
		if proc.Spec == nil || proc.Spec.Operation == nil {
			continue
		}
		op := proc.Spec.Operation.SimpleName()
		if other, dup := owner[op]; dup {
			return nil, fmt.Errorf("simple: operation %q is declared by processes %q and %q", op, other, name)
		}
		owner[op] = name
		if proc.Name == "" {
			proc.Name = name
		}
		get, err := endpoint.NewExchange(endpoint.Config{
			Name: "GET " + op, Process: proc, Input: codec.None, Output: codec.JSON,
			Trigger: Trigger, Endpoint: op,
		}, opts)
		if err != nil {
			return nil, fmt.Errorf("simple: process %q: %w", name, err)
		}
		post, err := endpoint.NewExchange(endpoint.Config{
			Name: "POST " + op, Process: proc, Input: codec.JSON, Output: codec.JSON,
			Trigger: Trigger, Endpoint: op,
		}, opts)
		if err != nil {
			return nil, fmt.Errorf("simple: process %q: %w", name, err)
		}
		h.ops[op] = operation{get: get, post: post}
	}
	return h, nil
}

// ServeHTTP runs the operation the path names.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := endpoint.EnsureExecutionID(w)
	name, ok := strings.CutPrefix(r.URL.Path, h.prefix)
	op, found := h.ops[name]
	if !ok || !found {
		p := problem.New(http.StatusNotFound, "no operation at "+r.URL.Path)
		p.ExecutionID = id
		problem.Write(w, r, p)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		op.get.ServeHTTP(w, r)
	case http.MethodPost:
		op.post.ServeHTTP(w, r)
	default:
		p := problem.New(http.StatusMethodNotAllowed, r.Method+" is not served at "+r.URL.Path+"; use "+allow)
		p.ExecutionID = id
		p.WithHeader("Allow", allow)
		problem.Write(w, r, p)
	}
}
