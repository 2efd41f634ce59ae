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
package openapi
