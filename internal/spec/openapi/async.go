package openapi

import (
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/portico-dev/portico/internal/model"
)

// asyncOperation documents what an async endpoint answers: 202 with the
// execution id and the status link, at once, and the X-Callback-Url header
// it takes.
func asyncOperation(op *openapi3.Operation, ep *model.Endpoint) {
	if ep.Async == nil {
		return
	}
	cb := openapi3.NewHeaderParameter("X-Callback-Url").WithSchema(openapi3.NewStringSchema().WithFormat("uri"))
	cb.Description = "Where to POST the result when done (a host the environment allows); the endpoint's webhook when absent."
	op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: cb})
	body := openapi3.NewObjectSchema().
		WithProperty("executionId", openapi3.NewStringSchema()).
		WithProperty("status", openapi3.NewStringSchema()).
		WithProperty("statusLink", openapi3.NewStringSchema().WithFormat("uri"))
	r := openapi3.NewResponse().WithDescription("Accepted: the process runs on; its result is POSTed to the callback, signed (Standard Webhooks), and kept for polling at the status link.")
	r.Content = openapi3.NewContentWithJSONSchema(body)
	link := func(desc string) *openapi3.HeaderRef {
		return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
			Description: desc, Schema: openapi3.NewSchemaRef("", openapi3.NewStringSchema().WithFormat("uri")),
		}}}
	}
	r.Headers = openapi3.Headers{
		executionIDHeader:         headerRef(executionIDHeader),
		"X-Execution-Status-Link": link("The execution on the platform API, to poll."),
		"Location":                link("The same link."),
	}
	op.Responses.Set("202", &openapi3.ResponseRef{Value: r})
}
