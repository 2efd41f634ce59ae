package endpoint

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/portico-dev/portico/internal/endpoint/codec"
	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/endpoint/profile"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
	"github.com/portico-dev/portico/internal/telemetry/route"
)

// Config describes one operation: which process it runs and how requests
// and results travel.
type Config struct {
	// Name labels the operation in logs ("GET /customers/{id}").
	Name    string
	Process RunnerWithSpec
	// Input and Output are body types (codec.JSON, ...).
	Input, Output string
	// RequestProfile validates json and multijson request documents;
	// the process's Input profile when nil.
	RequestProfile model.Schema
	Query          []model.QueryParam
	Headers        []string
	// PathParams are the names of the path's wildcards, read with
	// r.PathValue and handed over as param_{name}.
	PathParams []string
	// Trigger and Endpoint label the execution records: "rest" and
	// "GET /customers/{id}", "simple" and "getCustomer" (Name when empty).
	Trigger, Endpoint string
	// Async makes the operation answer 202 at once and deliver its result
	// by webhook (needs Options.Async).
	Async *model.EndpointAsync
}

// Exchange is a compiled operation: everything is prepared once, ServeHTTP
// only does the per-request work. It is immutable.
type Exchange struct {
	name      string
	runner    Runner
	input     string
	output    string
	profile   *profile.Profile
	query     []queryParam
	headers   []declaredHeader
	params    []pathParam
	maxDocs   int
	maxBody   int64
	pager     *pager
	log       *slog.Logger
	propsSize int
	rec       recording
	async     Async                // nil: no detached executions
	asyncEP   *model.EndpointAsync // non-nil: an async endpoint
}

type pathParam struct{ name, prop string }

// NewExchange compiles cfg.
func NewExchange(cfg Config, opts Options) (*Exchange, error) {
	if cfg.Process.Runner == nil {
		return nil, fmt.Errorf("%s: no runner", cfg.Name)
	}
	spec := cfg.Process.Spec
	if spec == nil {
		spec = &model.ProcessSpec{}
	}
	for _, t := range []string{cfg.Input, cfg.Output} {
		switch t {
		case codec.None, codec.JSON, codec.MultiJSON, codec.XML, codec.Text, codec.Binary:
		default:
			return nil, fmt.Errorf("%s: %q is not a body type", cfg.Name, t)
		}
	}
	schema := cfg.RequestProfile
	if len(schema) == 0 {
		schema = spec.Input
	}
	var prof *profile.Profile
	if cfg.Input == codec.JSON || cfg.Input == codec.MultiJSON {
		p, err := profile.Compile(schema)
		if err != nil {
			return nil, fmt.Errorf("%s: request profile: %w", cfg.Name, err)
		}
		prof = p
	}
	pg, err := newPager(opts.TokenKey)
	if err != nil {
		return nil, fmt.Errorf("%s: paging key: %w", cfg.Name, err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	x := &Exchange{
		name:    cfg.Name,
		runner:  cfg.Process.Runner,
		input:   cfg.Input,
		output:  cfg.Output,
		profile: prof,
		query:   compileQuery(cfg.Query),
		headers: compileHeaders(cfg.Headers),
		maxDocs: spec.MaxDocuments,
		maxBody: opts.MaxBodyBytes,
		pager:   pg,
		log:     log,
		async:   opts.Async,
		asyncEP: cfg.Async,
	}
	if x.asyncEP != nil && x.async == nil {
		return nil, fmt.Errorf("%s: an async endpoint needs a runtime that runs detached executions", cfg.Name)
	}
	for _, p := range cfg.PathParams {
		x.params = append(x.params, pathParam{name: p, prop: "param_" + p})
	}
	x.propsSize = 5 + len(x.params) + len(x.query) + len(x.headers)
	x.rec = newRecording(cfg, spec, opts)
	return x, nil
}

// ServeHTTP runs the operation for one request.
func (x *Exchange) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Label the request for the telemetry with values prepared at compile time.
	route.Set(r.Context(), x.rec.api, x.rec.endpoint, x.rec.process)
	if x.async != nil && (x.asyncEP != nil || r.Header[MaxWaitHeader] != nil) {
		if c, ok := r.Context().Value(claimedKey{}).(*claimed); ok {
			x.serveClaimed(w, r, c)
			return
		}
		if q := x.queued(); q != nil {
			x.serveQueued(w, r, q)
			return
		}
		x.serveDetachable(w, r)
		return
	}
	var start time.Time
	if x.rec.to != nil {
		start = time.Now()
	}
	id := EnsureExecutionID(w)
	in, offset, err := x.decode(w, r, id)
	var res *process.Result
	if err == nil {
		res, err = x.runner.Run(r.Context(), in)
	}
	var out outcome
	if err != nil {
		out = x.fail(w, r, id, err)
	} else {
		if res == nil {
			res = &process.Result{}
		}
		out = x.respond(w, r, id, res, offset)
	}
	if x.rec.to != nil {
		x.record(w, r, id, start, in.Documents, res, out)
	}
}

// decode turns the request into the process input; offset is where a
// moreDataToken asks the page to start.
func (x *Exchange) decode(w http.ResponseWriter, r *http.Request, id string) (process.Input, int, error) {
	docs, split, err := codec.ReadRequest(w, r, x.input, x.maxBody)
	if err != nil {
		return process.Input{}, 0, err
	}
	if x.profile != nil {
		for i, d := range docs {
			err := x.profile.Validate(d)
			if err == nil {
				continue
			}
			var ve *profile.ValidationError
			if !errors.As(err, &ve) {
				return process.Input{}, 0, err
			}
			if split {
				ve = ve.Prefixed("/" + strconv.Itoa(i))
			}
			p := problem.New(http.StatusBadRequest, "the request body does not match the profile: "+ve.Error())
			p.Errors = ve.Violations
			return process.Input{}, 0, p
		}
	}
	props := make(map[string]any, x.propsSize)
	for _, p := range x.params {
		props[p.prop] = r.PathValue(p.name)
	}
	var q url.Values
	if r.URL.RawQuery != "" {
		q = r.URL.Query()
	}
	if err := inQuery(props, q, x.query); err != nil {
		return process.Input{}, 0, err
	}
	offset := 0
	if tok := q.Get(MoreDataParam); tok != "" {
		offset, err = x.pager.offset(identity(r.Method, r.URL.Path, canonicalQuery(q)), tok)
		if err != nil {
			return process.Input{}, 0, problem.New(http.StatusBadRequest, err.Error())
		}
	}
	inHeaders(props, r.Header, x.headers)
	props["inmethod"] = methodValue(r.Method)
	props["inpath"] = r.URL.Path
	props["inuser"] = User(r.Context())
	props["execution_id"] = id
	return process.Input{Documents: docs, Props: props}, offset, nil
}

// respond writes the result. The status is Result.Status, else the
// outstatuscode property, else 200 (204 for output none).
func (x *Exchange) respond(w http.ResponseWriter, r *http.Request, id string, res *process.Result, offset int) outcome {
	docs := res.Documents
	asArray := false
	var next string
	if paged := x.output == codec.JSON || x.output == codec.MultiJSON; paged && (x.maxDocs > 0 || offset > 0) {
		// Once a result is paged every page is an array, whatever its
		// length, so that clients see one shape throughout.
		asArray = len(docs) != 1 || offset > 0
		docs = docs[min(offset, len(docs)):]
		if x.maxDocs > 0 && len(docs) > x.maxDocs {
			asArray = true
			docs = docs[:x.maxDocs]
			q := r.URL.Query()
			cq := canonicalQuery(q)
			next = x.pager.token(identity(r.Method, r.URL.Path, cq), offset+x.maxDocs)
			link := r.URL.EscapedPath() + "?"
			if cq != "" {
				link += cq + "&"
			}
			link += MoreDataParam + "=" + next
			w.Header().Set("Link", "<"+link+`>; rel="next"`)
			w.Header().Set("X-More-Data-Token", next)
		}
	}
	body, ct, err := codec.Encode(x.output, docs, asArray)
	if err != nil {
		w.Header().Del("Link")
		w.Header().Del("X-More-Data-Token")
		return x.fail(w, r, id, fmt.Errorf("encoding the result: %w", err))
	}
	status := statusOf(res)
	if status == 0 {
		status = http.StatusOK
		if x.output == codec.None {
			status = http.StatusNoContent
		}
	}
	h := w.Header()
	// Content-Type and Content-Length share one backing array, each
	// capped to its own element so that an append by a later writer
	// copies rather than overwrites: one allocation instead of two.
	vals := make([]string, 2)
	if ct != "" {
		vals[0] = ct
		h["Content-Type"] = vals[0:1:1]
	}
	outHeaders(h, res.Props)
	if status == http.StatusNoContent || status == http.StatusNotModified {
		w.WriteHeader(status)
		return outcome{status: status}
	}
	vals[1] = strconv.Itoa(len(body))
	h["Content-Length"] = vals[1:2:2]
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return outcome{status: status}
}

// methodValue returns the request method as the inmethod property: the
// common methods as constants, which become an interface value without an
// allocation, where r.Method would allocate on every request.
func methodValue(m string) any {
	switch m {
	case http.MethodGet:
		return http.MethodGet
	case http.MethodPost:
		return http.MethodPost
	case http.MethodPut:
		return http.MethodPut
	case http.MethodPatch:
		return http.MethodPatch
	case http.MethodDelete:
		return http.MethodDelete
	case http.MethodHead:
		return http.MethodHead
	case http.MethodOptions:
		return http.MethodOptions
	}
	return m
}

// statusOf reads the status a process asked for; 0 when it asked none or
// asked one HTTP cannot send as a final answer.
func statusOf(res *process.Result) int {
	s := res.Status
	if s == 0 {
		switch v := res.Props["outstatuscode"].(type) {
		case int:
			s = v
		case float64:
			s = int(v)
		case string:
			s, _ = strconv.Atoi(v)
		}
	}
	if s < 200 || s > 599 {
		return 0
	}
	return s
}
