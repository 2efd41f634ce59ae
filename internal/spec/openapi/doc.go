// Package openapi generates the OpenAPI 3.1 document of a REST API version
// from the model and serves it: openapi.json, openapi.yaml and a Swagger UI
// docs page whose assets come from an embedded Go module (no CDN).
//
// A document is generated once per compiled API (Generate, then
// NewDocument); per request only the servers list changes, computed from
// the environment's public URL or the request (ServersFromRequest), and it
// is spliced into the precomputed bytes.
//
// The document mirrors the runtime's REST conventions (internal/endpoint):
// bodies by input and output type, 200 (204 for output none) on success,
// X-Execution-Id on every answer, paging with Link, X-More-Data-Token and
// ?moreDataToken when the process has maxDocuments, and the standard errors
// as application/problem+json.
//
// The docs page is Swagger UI (5.18 with OpenAPI 3.1 support) from the Go
// module github.com/swaggo/files/v2, which embeds its dist files: no CDN,
// no copied third-party files and no npm build step. The issue asks for
// Swagger UI or Redoc bundled from npm and embedded; the design's
// LIBRARIES.md names this module as the preferred way to embed it, and its
// version is pinned by go.sum as an npm lock file would pin it. The page and its starter script are ours; the
// starter is a file, not inline, so the Content-Security-Policy allows
// scripts from 'self' only.
package openapi
