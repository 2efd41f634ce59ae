package openapi

import (
	"net/http"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// Media types of the document's bodies.
const (
	mediaJSON    = "application/json"
	mediaProblem = "application/problem+json"
	mediaXML     = "application/xml"
	mediaText    = "text/plain"
	mediaBinary  = "application/octet-stream"
)

// Names of the shared components.
const (
	problemSchema     = "Problem"
	executionIDHeader = "X-Execution-Id"
	moreDataParam     = "moreDataToken"
)

// standardErrors are the answers any endpoint may give besides its own
// (INTERFACE.md): the runtime, its policies and the process can all cause
// them.
var standardErrors = []struct {
	status int
	name   string
	desc   string
}{
	{400, "BadRequest", "The request is malformed: a wrong or missing parameter, an invalid body (errors[] names each violation by JSON pointer), or a forged paging token."},
	{401, "Unauthorized", "Credentials are missing or invalid."},
	{403, "Forbidden", "The caller may not use this endpoint."},
	{404, "NotFound", "No such endpoint or resource."},
	{409, "Conflict", "The data collides with what is stored: a unique or foreign-key constraint (the detail names it, code uniqueViolation or foreignKeyViolation)."},
	{413, "PayloadTooLarge", "The request body is over the size limit."},
	{415, "UnsupportedMediaType", "The request body's Content-Type is not the one this endpoint takes."},
	{422, "UnprocessableContent", "The data breaks a not-null or check constraint of the database (the detail names it, code notNullViolation or checkViolation)."},
	{429, "TooManyRequests", "A rate limit or quota is exhausted; retry after Retry-After seconds."},
	{500, "InternalServerError", "The execution failed; the detail names the execution id to look up."},
	{503, "ServiceUnavailable", "The runtime is overloaded or starting; retry after Retry-After seconds."},
	{522, "ExecutionTimeLimit", "The execution ran over its time limit."},
}

// problemSchemaValue is the RFC 9457 body of every REST error
// (internal/endpoint/problem).
func problemSchemaValue() *openapi3.Schema {
	str := func(desc string) *openapi3.SchemaRef {
		s := openapi3.NewStringSchema()
		s.Description = desc
		return openapi3.NewSchemaRef("", s)
	}
	violation := openapi3.NewObjectSchema()
	violation.Required = []string{"pointer", "message"}
	violation.Properties = openapi3.Schemas{
		"pointer": str("JSON pointer into the request body (prefixed with the element index for a split array)."),
		"message": str("What is wrong there."),
	}
	errs := openapi3.NewArraySchema()
	errs.Items = openapi3.NewSchemaRef("", violation)
	errs.Description = "Body violations of the request profile."
	status := openapi3.NewIntegerSchema()
	status.Description = "The HTTP status."
	typ := str("A URI naming the problem type.")
	typ.Value.Format = "uri-reference"

	p := openapi3.NewObjectSchema()
	p.Description = "An RFC 9457 problem details object."
	p.Required = []string{"type", "title", "status"}
	p.Properties = openapi3.Schemas{
		"type":        typ,
		"title":       str("A short summary of the problem type."),
		"status":      openapi3.NewSchemaRef("", status),
		"detail":      str("What went wrong in this occurrence."),
		"instance":    str("The request path."),
		"executionId": str("The execution id, also in the X-Execution-Id header."),
		"code":        str("An application error code set by the process's fail step."),
		"errors":      openapi3.NewSchemaRef("", errs),
	}
	return p
}

// addSharedComponents adds the Problem schema, the X-Execution-Id and
// paging headers, the moreDataToken parameter and one response per
// standard error.
func addSharedComponents(c *openapi3.Components, set *schemaSet) {
	problem := set.reserve(problemSchema, problemSchemaValue())
	strHeader := func(desc string) *openapi3.HeaderRef {
		return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
			Description: desc,
			Schema:      openapi3.NewSchemaRef("", openapi3.NewStringSchema()),
		}}}
	}
	c.Headers = openapi3.Headers{
		executionIDHeader:   strHeader("The execution id (a UUIDv7), on every answer."),
		"Link":              strHeader(`The next page: <...?moreDataToken=T>; rel="next".`),
		"X-More-Data-Token": strHeader("The token of the next page; pass it as ?moreDataToken."),
		"Retry-After":       strHeader("Seconds to wait before retrying."),
	}
	tok := openapi3.NewQueryParameter(moreDataParam)
	tok.Description = "Continue a paged result with the token of the previous page's X-More-Data-Token header."
	tok.Schema = openapi3.NewSchemaRef("", openapi3.NewStringSchema())
	c.Parameters = openapi3.ParametersMap{moreDataParam: &openapi3.ParameterRef{Value: tok}}

	c.Responses = openapi3.ResponseBodies{}
	for _, se := range standardErrors {
		c.Responses[se.name] = &openapi3.ResponseRef{Value: problemResponse(se.status, se.desc, problem)}
	}
}

// problemResponse is an error answer with a problem+json body.
func problemResponse(status int, desc string, problem *openapi3.SchemaRef) *openapi3.Response {
	r := openapi3.NewResponse().WithDescription(desc)
	r.Content = openapi3.NewContentWithSchemaRef(problem, []string{mediaProblem})
	r.Headers = openapi3.Headers{executionIDHeader: headerRef(executionIDHeader)}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		r.Headers["Retry-After"] = headerRef("Retry-After")
	}
	return r
}

func headerRef(name string) *openapi3.HeaderRef {
	return &openapi3.HeaderRef{Ref: "#/components/headers/" + name}
}

func responseRef(name string) *openapi3.ResponseRef {
	return &openapi3.ResponseRef{Ref: "#/components/responses/" + name}
}

func statusKey(status int) string { return strconv.Itoa(status) }
