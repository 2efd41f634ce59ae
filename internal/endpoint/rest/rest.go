// Package rest serves the REST endpoints of compiled APIs at
// /ws/rest/{base}/{version}/{resource path}. Compile prepares one API
// (routes, profiles, query parsers) once per snapshot; NewRouter chooses
// among APIs by the longest base path. Both are immutable once built, so
// requests take no locks.
package rest

import (
	"context"

	"github.com/portico-dev/portico/internal/endpoint"
)

// Runner runs one compiled process (*process.Process implements it).
type Runner = endpoint.Runner

// RunnerWithSpec is a compiled process with its spec.
type RunnerWithSpec = endpoint.RunnerWithSpec

// Options tune the REST style; Prefix defaults to DefaultPrefix.
type Options = endpoint.Options

// DefaultPrefix is where REST APIs are mounted.
const DefaultPrefix = "/ws/rest"

// Trigger names the style in execution records.
const Trigger = "rest"

// WithUser returns ctx carrying the authenticated principal (inuser).
func WithUser(ctx context.Context, name string) context.Context {
	return endpoint.WithUser(ctx, name)
}
