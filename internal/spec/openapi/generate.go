package openapi

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/portico-dev/portico/internal/model"
)

// Version is the OpenAPI version of generated documents.
const Version = "3.1.0"

// Input is what a document is generated from.
type Input struct {
	API       *model.APISpec
	APIName   string                        // the component's name; the title when the spec has none
	Processes map[string]*model.ProcessSpec // by name: every process the endpoints run
	Servers   []string                      // absolute URLs of the API root; usually left empty and filled per request
	Security  []SecurityScheme              // empty: no security schemes
}

// Generate builds and validates the OpenAPI 3.1 document of an API version.
// The document is a self-contained value: its references are resolved and
// it has passed kin-openapi's validation in 3.1 (JSON Schema 2020-12) mode.
func Generate(in Input) (*openapi3.T, error) {
	if in.API == nil {
		return nil, fmt.Errorf("openapi: no API: %w", model.ErrInvalid)
	}
	doc, err := build(in)
	if err != nil {
		return nil, fmt.Errorf("openapi: %s: %w", in.APIName, err)
	}
	// Going through the loader resolves every $ref (the profiles' ones
	// were only rewritten) and proves the JSON form is what gets served.
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi: %s: %w", in.APIName, err)
	}
	loaded, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("openapi: %s: the generated document does not resolve: %w", in.APIName, err)
	}
	// Defaults and examples are annotations that JSON Schema only
	// recommends be valid; a profile's sloppy example must not cost the
	// API its documentation.
	err = loaded.Validate(context.Background(), openapi3.IsOpenAPI31OrLater(),
		openapi3.DisableSchemaDefaultsValidation(), openapi3.DisableExamplesValidation())
	if err != nil {
		return nil, fmt.Errorf("openapi: %s: the generated document is invalid: %w", in.APIName, err)
	}
	return loaded, nil
}

func build(in Input) (*openapi3.T, error) {
	api := in.API
	title := api.Title
	if title == "" {
		title = in.APIName
	}
	if title == "" {
		title = api.BasePath
	}
	// No jsonSchemaDialect: the OpenAPI 3.1 default (the OAS dialect, JSON
	// Schema 2020-12 plus OpenAPI's keywords) is what profiles are, and tools
	// such as Swagger UI warn about any other value.
	doc := &openapi3.T{
		OpenAPI:    Version,
		Info:       &openapi3.Info{Title: title, Version: api.Version, Description: api.Description},
		Paths:      openapi3.NewPaths(),
		Components: &openapi3.Components{},
	}
	for _, s := range in.Servers {
		doc.Servers = append(doc.Servers, &openapi3.Server{URL: s})
	}
	set := newSchemaSet()
	addSharedComponents(doc.Components, set)
	if err := addSecurity(doc, in.Security); err != nil {
		return nil, err
	}
	g := &generator{in: in, set: set, ids: map[string]bool{}, shapes: map[string]string{}}
	for i := range api.Endpoints {
		if ep := &api.Endpoints[i]; ep.Name != "" {
			g.ids[ep.Name] = true
		}
	}
	for i := range api.Endpoints {
		ep := &api.Endpoints[i]
		if err := g.endpoint(doc, ep); err != nil {
			return nil, fmt.Errorf("endpoints[%d] %s %s: %w", i, ep.Method, ep.Path, err)
		}
	}
	doc.Components.Schemas = set.schemas
	return doc, nil
}

// generator holds what endpoints of one document share.
type generator struct {
	in  Input
	set *schemaSet
	ids map[string]bool // operation ids in use
	// shapes maps a path with its parameters blanked to the first path
	// seen of that shape: OpenAPI forbids "/a/{id}" beside "/a/{key}",
	// which the model allows for different methods.
	shapes map[string]string
}

func (g *generator) endpoint(doc *openapi3.T, ep *model.Endpoint) error {
	proc := g.in.Processes[ep.Process]
	if proc == nil {
		return fmt.Errorf("process %q is not given: %w", ep.Process, model.ErrNotFound)
	}
	id := ep.Name
	if id == "" {
		id = g.deriveID(ep.Method, ep.Path)
	}
	key, names := g.pathKey(ep.Path)
	op := &openapi3.Operation{
		OperationID: id,
		Summary:     ep.Summary,
		Description: ep.Description,
		Responses:   openapi3.NewResponses(),
	}
	if op.Summary == "" && op.Description == "" {
		op.Summary = ep.Method + " " + ep.Path + " runs process " + ep.Process
	}
	// The first path segment names the resource; documentation tools group
	// operations by tag, so "/customers/{id}" sits under "customers".
	if seg, _, _ := strings.Cut(strings.TrimPrefix(ep.Path, "/"), "/"); seg != "" && !strings.HasPrefix(seg, "{") {
		op.Tags = []string{seg}
	}
	reqProfile := ep.RequestProfile
	reqKey := "proc:" + ep.Process + ":input"
	reqBase := pascal(ep.Process) + "Input"
	if len(reqProfile) > 0 {
		reqKey, reqBase = "", pascal(id)+"Request"
	} else {
		reqProfile = proc.Input
	}
	respProfile := ep.ResponseProfile
	respKey := "proc:" + ep.Process + ":output"
	respBase := pascal(ep.Process) + "Output"
	if len(respProfile) > 0 {
		respKey, respBase = "", pascal(id)+"Response"
	} else {
		respProfile = proc.Output
	}

	for i, own := range pathParams(ep.Path) {
		p := openapi3.NewPathParameter(names[i])
		p.Schema = openapi3.NewSchemaRef("", paramSchema(own, reqProfile, respProfile))
		if own != names[i] {
			p.Description = fmt.Sprintf("The process sees it as param_%s.", own)
		}
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: p})
	}
	paged := proc.MaxDocuments > 0 && (ep.OutputType() == "json" || ep.OutputType() == "multijson")
	for _, q := range ep.Query {
		p := openapi3.NewQueryParameter(q.Name).WithRequired(q.Required).WithDescription(q.Description)
		t := q.Type
		if t == "" {
			t = "string"
		}
		p.Schema = openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{t}})
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: p})
	}
	if paged && !declaresQuery(ep, moreDataParam) {
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Ref: "#/components/parameters/" + moreDataParam})
	}
	for _, h := range ep.Headers {
		// OpenAPI ignores header parameters of these names; their meaning
		// is the body's media type and the security schemes.
		switch strings.ToLower(h) {
		case "accept", "content-type", "authorization":
			continue
		}
		p := openapi3.NewHeaderParameter(h)
		p.Description = "Handed to the process as inheader_" + h + "."
		p.Schema = openapi3.NewSchemaRef("", openapi3.NewStringSchema())
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: p})
	}

	if body, err := g.requestBody(ep.InputType(), reqKey, reqBase, reqProfile); err != nil {
		return fmt.Errorf("request: %w", err)
	} else if body != nil {
		op.RequestBody = &openapi3.RequestBodyRef{Value: body}
	}
	if err := g.responses(op, ep, paged, respKey, respBase, respProfile, id); err != nil {
		return err
	}

	item := doc.Paths.Value(key)
	if item == nil {
		item = &openapi3.PathItem{}
		doc.Paths.Set(key, item)
	}
	item.SetOperation(ep.Method, op)
	return nil
}

// requestBody documents the body an input type takes; nil for none.
func (g *generator) requestBody(input, key, base string, profile model.Schema) (*openapi3.RequestBody, error) {
	var content openapi3.Content
	switch input {
	case "none":
		return nil, nil
	case "json", "multijson":
		ref, err := g.set.profile(key, base, profile)
		if err != nil {
			return nil, err
		}
		if input == "multijson" {
			ref = arrayOf(ref)
		}
		content = openapi3.NewContentWithSchemaRef(ref, []string{mediaJSON})
	default:
		content = rawContent(input)
	}
	return openapi3.NewRequestBody().WithRequired(true).WithContent(content), nil
}

// rawContent is the body of the xml, text and binary types: one string.
func rawContent(typ string) openapi3.Content {
	s := openapi3.NewStringSchema()
	media := mediaText
	switch typ {
	case "xml":
		media = mediaXML
	case "binary":
		media = mediaBinary
		// Swagger UI offers a file upload for format binary.
		s.Format = "binary"
	}
	return openapi3.NewContentWithSchema(s, []string{media})
}

func arrayOf(item *openapi3.SchemaRef) *openapi3.SchemaRef {
	a := openapi3.NewArraySchema()
	a.Items = item
	return openapi3.NewSchemaRef("", a)
}

// responses documents the success answer, the endpoint's declared ones
// and the standard errors.
func (g *generator) responses(op *openapi3.Operation, ep *model.Endpoint, paged bool, key, base string, profile model.Schema, id string) error {
	output := ep.OutputType()
	success := func(desc string, key, base string, profile model.Schema) (*openapi3.Response, error) {
		r := openapi3.NewResponse().WithDescription(desc)
		r.Headers = openapi3.Headers{executionIDHeader: headerRef(executionIDHeader)}
		switch output {
		case "none":
			return r, nil
		case "json", "multijson":
			ref, err := g.set.profile(key, base, profile)
			if err != nil {
				return nil, err
			}
			switch {
			case output == "multijson":
				ref = arrayOf(ref)
			case paged:
				// Every page of a paged result is an array; an unpaged
				// single document comes as is.
				ref = openapi3.NewSchemaRef("", &openapi3.Schema{AnyOf: openapi3.SchemaRefs{ref, arrayOf(ref)}})
			}
			r.Content = openapi3.NewContentWithSchemaRef(ref, []string{mediaJSON})
		default:
			r.Content = rawContent(output)
		}
		if paged {
			r.Headers["Link"] = headerRef("Link")
			r.Headers["X-More-Data-Token"] = headerRef("X-More-Data-Token")
		}
		return r, nil
	}

	declaredSuccess := false
	for _, d := range ep.Responses {
		if d.Status >= 200 && d.Status < 300 {
			declaredSuccess = true
		}
	}
	if !declaredSuccess {
		status, desc := 200, "The process's result."
		if output == "none" {
			status, desc = 204, "The process ran; no body."
		}
		r, err := success(desc, key, base, profile)
		if err != nil {
			return fmt.Errorf("response: %w", err)
		}
		op.Responses.Set(statusKey(status), &openapi3.ResponseRef{Value: r})
	}
	for _, se := range standardErrors {
		op.Responses.Set(statusKey(se.status), responseRef(se.name))
	}
	asyncOperation(op, ep)
	problem := openapi3.NewSchemaRef(schemaRefPrefix+problemSchema, nil)
	for _, d := range ep.Responses {
		desc := d.Description
		if desc == "" {
			desc = statusText(d.Status)
		}
		var r *openapi3.Response
		switch {
		case d.Status >= 200 && d.Status < 300 && output != "none" && d.Status != 204:
			k, b, p := key, base, profile
			if len(d.Profile) > 0 {
				k, b, p = "", fmt.Sprintf("%sResponse%d", pascal(id), d.Status), d.Profile
			}
			var err error
			if r, err = success(desc, k, b, p); err != nil {
				return fmt.Errorf("responses %d: %w", d.Status, err)
			}
		case len(d.Profile) > 0:
			ref, err := g.set.profile("", fmt.Sprintf("%sResponse%d", pascal(id), d.Status), d.Profile)
			if err != nil {
				return fmt.Errorf("responses %d: %w", d.Status, err)
			}
			r = openapi3.NewResponse().WithDescription(desc)
			r.Content = openapi3.NewContentWithSchemaRef(ref, []string{mediaJSON})
			r.Headers = openapi3.Headers{executionIDHeader: headerRef(executionIDHeader)}
		case d.Status >= 400:
			r = problemResponse(d.Status, desc, problem)
		default:
			r = openapi3.NewResponse().WithDescription(desc)
			r.Headers = openapi3.Headers{executionIDHeader: headerRef(executionIDHeader)}
		}
		op.Responses.Set(statusKey(d.Status), &openapi3.ResponseRef{Value: r})
	}
	return nil
}

func declaresQuery(ep *model.Endpoint, name string) bool {
	for _, q := range ep.Query {
		if q.Name == name {
			return true
		}
	}
	return false
}
