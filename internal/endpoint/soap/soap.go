// Package soap serves the SOAP operations of APIs: SOAP 1.1 at
// /ws/soap/{base}/{version} and SOAP 1.2 at /ws/soap12/{base}/{version},
// document/literal, routed by the Body's operation element, with the WSDL at
// ?wsdl. Every refusal, from malformed XML to a process error, is a SOAP
// Fault carrying the execution id.
package soap

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/codec"
	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/endpoint/profile"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
	"github.com/portico-dev/portico/internal/spec/openapi"
	"github.com/portico-dev/portico/internal/spec/wsdl"
)

// Where the two versions are mounted.
const (
	Prefix11 = "/ws/soap"
	Prefix12 = "/ws/soap12"
)

// Trigger names the style in execution records.
const Trigger = "soap"

// API is the compiled SOAP service of one API version. It is immutable.
type API struct {
	name      string
	path      string // "erp/v1"
	svc       *wsdl.Service
	doc       *wsdl.Document
	ops       map[string]*operation
	publicURL string
	maxBody   int64
	log       *slog.Logger
	rec       endpoint.Recorder
	opts      endpoint.Options
	limit     int
}

// operation is one operation ready to run.
type operation struct {
	desc       *wsdl.Operation
	runner     endpoint.Runner
	process    string
	profile    *profile.Profile
	lowLatency bool
}

// Compile prepares the SOAP service of the API component name. procs holds
// every process of its package; publicURL, when set, is the environment's
// address that WSDLs name instead of the request's.
func Compile(name string, spec *model.APISpec, procs map[string]endpoint.RunnerWithSpec, opts endpoint.Options, publicURL string) (*API, error) {
	specs := make(map[string]*model.ProcessSpec, len(procs))
	for n, p := range procs {
		specs[n] = p.Spec
	}
	svc, err := wsdl.Describe(name, spec, specs)
	if err != nil {
		return nil, err
	}
	doc, err := svc.Render()
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	a := &API{name: name, path: spec.BasePath + "/" + spec.Version, svc: svc, doc: doc, ops: map[string]*operation{},
		publicURL: publicURL, maxBody: opts.MaxBodyBytes, log: log, rec: opts.Recorder, opts: opts, limit: endpoint.RecordLimit(opts)}
	if a.maxBody <= 0 {
		a.maxBody = codec.DefaultMaxBody
	}
	byProcess := map[string]*model.SOAPOperation{}
	for i := range spec.SOAP.Operations {
		byProcess[spec.SOAP.Operations[i].Process] = &spec.SOAP.Operations[i]
	}
	for _, d := range svc.Operations {
		p := procs[d.Process]
		if p.Runner == nil {
			return nil, fmt.Errorf("soap: operation %s: process %q is not compiled", d.Name, d.Process)
		}
		op := &operation{desc: d, runner: p.Runner, process: p.Name}
		if op.process == "" {
			op.process = d.Process
		}
		if p.Spec != nil {
			op.lowLatency = p.Spec.Mode == model.ModeLowLatency
		}
		if d.Request != nil {
			schema := requestSchema(spec.SOAP, d, p.Spec)
			if op.profile, err = profile.Compile(schema); err != nil {
				return nil, fmt.Errorf("soap: operation %s: request profile: %w", d.Name, err)
			}
		}
		a.ops[d.Name] = op
	}
	return a, nil
}

// requestSchema is the profile the operation's documents are validated
// with: the operation's own, else its process's input.
func requestSchema(s *model.SOAPSpec, d *wsdl.Operation, p *model.ProcessSpec) model.Schema {
	for i := range s.Operations {
		o := &s.Operations[i]
		if o.Process == d.Process && (o.Name == d.Name || o.Name == "") && len(o.RequestProfile) > 0 {
			return o.RequestProfile
		}
	}
	if p == nil {
		return nil
	}
	return p.Input
}

// Service is the API's SOAP description.
func (a *API) Service() *wsdl.Service { return a.svc }

// Router serves the SOAP APIs of one snapshot under both prefixes.
type Router struct {
	apis map[string]*API // by "base/version"
}

// NewRouter routes to apis; two APIs at one base path and version is an
// error.
func NewRouter(apis []*API) (*Router, error) {
	rt := &Router{apis: make(map[string]*API, len(apis))}
	for _, a := range apis {
		if other, dup := rt.apis[a.path]; dup {
			return nil, fmt.Errorf("soap: APIs %s and %s are both at %s", other.name, a.name, a.path)
		}
		rt.apis[a.path] = a
	}
	return rt, nil
}

// ServeHTTP serves a request under /ws/soap/ or /ws/soap12/.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := endpoint.EnsureExecutionID(w)
	version, rest := "1.1", ""
	if p, ok := strings.CutPrefix(r.URL.Path, Prefix12+"/"); ok {
		version, rest = "1.2", p
	} else if p, ok := strings.CutPrefix(r.URL.Path, Prefix11+"/"); ok {
		rest = p
	}
	a := rt.apis[strings.TrimSuffix(rest, "/")]
	if a == nil || (r.Method == http.MethodPost && !a.serves(version)) {
		writeFault(w, version, id, transportFault(problem.New(http.StatusNotFound, "no SOAP "+version+" service at "+r.URL.Path)))
		return
	}
	switch r.Method {
	case http.MethodPost:
		a.call(w, r, version, id)
	case http.MethodGet, http.MethodHead:
		a.describe(w, r, version, id)
	default:
		p := problem.New(http.StatusMethodNotAllowed, r.Method+" is not served here; POST a SOAP envelope or GET ?wsdl")
		p.WithHeader("Allow", "GET, HEAD, POST")
		writeFault(w, version, id, transportFault(p))
	}
}

func (a *API) serves(version string) bool {
	if version == "1.2" {
		return a.svc.SOAP12
	}
	return a.svc.SOAP11
}

// describe serves the WSDL (?wsdl, ?wsdl=single) and its schema (?xsd=1).
func (a *API) describe(w http.ResponseWriter, r *http.Request, version, id string) {
	q := r.URL.Query()
	var body []byte
	ct := "text/xml; charset=utf-8"
	switch {
	case q.Has("wsdl"):
		addr11 := openapi.ServersFromRequest(r, Prefix11+"/"+a.path, a.publicURL)[0]
		addr12 := openapi.ServersFromRequest(r, Prefix12+"/"+a.path, a.publicURL)[0]
		self := addr11
		if version == "1.2" {
			self = addr12
		}
		body = a.doc.WSDL(addr11, addr12, self+"?xsd=1", q.Get("wsdl") == "single")
	case q.Get("xsd") == "1" && !a.doc.Uploaded():
		body = a.doc.XSD()
	default:
		p := problem.New(http.StatusNotFound, "GET serves the WSDL at ?wsdl (one file: ?wsdl=single) and its schema at ?xsd=1; operations are POSTed")
		writeFault(w, version, id, transportFault(p))
		return
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// call runs the operation the envelope's Body names.
func (a *API) call(w http.ResponseWriter, r *http.Request, version, id string) {
	start := time.Now()
	op, in, err := a.decode(w, r, version, id)
	if op == nil {
		// Refused before an operation was known: there is no process to
		// record an execution of.
		if !gone(err, r) {
			f := faultOf(err, id)
			a.log.Debug("SOAP request refused", "api", a.name, "execution", id, "err", err)
			writeFault(w, version, id, f)
		}
		return
	}
	var res *process.Result
	if err == nil {
		res, err = op.runner.Run(r.Context(), in)
	}
	var status int
	var msg string
	switch {
	case err != nil && gone(err, r):
		a.record(r, op, id, start, in.Documents, res, 0, true, true, "")
		return
	case err != nil:
		f := faultOf(err, id)
		if f.status >= 500 {
			a.log.Error("execution failed", "operation", op.desc.Name, "execution", id, "status", f.status, "err", err)
		}
		status, msg = writeFault(w, version, id, f), f.msg
	default:
		if res == nil {
			res = &process.Result{}
		}
		var b writer
		a.encodeResult(&b, version, op.desc, res.Documents)
		h := w.Header()
		h.Set("Content-Type", contentType(version))
		h.Set("Content-Length", fmt.Sprint(b.Len()))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b.Bytes())
		status = http.StatusOK
	}
	a.record(r, op, id, start, in.Documents, res, status, err != nil, false, msg)
}

// decode reads the envelope and turns it into the input of its operation;
// op is nil when the request was refused before its operation was known.
func (a *API) decode(w http.ResponseWriter, r *http.Request, version, id string) (*operation, process.Input, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "text/xml" && mt != "application/soap+xml" && mt != "application/xml") {
			return nil, process.Input{}, transportErr(problem.New(http.StatusUnsupportedMediaType,
				fmt.Sprintf("Content-Type %q is not accepted; send %s", ct, strings.Split(contentType(version), ";")[0])))
		}
		if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") {
			return nil, process.Input{}, transportErr(problem.New(http.StatusUnsupportedMediaType, "charset "+cs+" is not accepted; send UTF-8"))
		}
	}
	if r.ContentLength > a.maxBody {
		return nil, process.Input{}, transportErr(tooLarge(a.maxBody))
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, process.Input{}, transportErr(tooLarge(a.maxBody))
		}
		return nil, process.Input{}, &faultError{codeClient, "the request body could not be read"}
	}
	root, err := parse(data)
	if err != nil {
		return nil, process.Input{}, err
	}
	env, err := readEnvelope(root, version)
	if err != nil {
		return nil, process.Input{}, err
	}
	el := env.body.children[0]
	if el.space != a.svc.Namespace {
		return nil, process.Input{}, clientf("operation element %s is not in the service namespace %s", qname(el), a.svc.Namespace)
	}
	op := a.ops[el.local]
	if op == nil {
		return nil, process.Input{}, clientf("operation %s is not an operation of this service", el.local)
	}
	if action := requestAction(r, version); action != "" && action != op.desc.Action {
		return op, process.Input{}, clientf("the SOAP action %q does not match operation %s (its action is %q)", action, op.desc.Name, op.desc.Action)
	}
	props := make(map[string]any, 4+len(op.desc.Params))
	docs, err := a.decodeOperation(op.desc, el, props)
	if err != nil {
		return op, process.Input{}, err
	}
	if op.profile != nil {
		for _, d := range docs {
			if err := op.profile.Validate(d); err != nil {
				var ve *profile.ValidationError
				if !errors.As(err, &ve) {
					return op, process.Input{}, err
				}
				return op, process.Input{Documents: docs}, clientf("the request does not match operation %s: %s", op.desc.Name, violations(op.desc, ve))
			}
		}
	}
	props["inmethod"] = http.MethodPost
	props["inpath"] = r.URL.Path
	props["inuser"] = endpoint.User(r.Context())
	props["execution_id"] = id
	return op, process.Input{Documents: docs, Props: props}, nil
}

// violations names the elements a profile refused: "/email" of the body
// element customer is customer/email.
func violations(op *wsdl.Operation, ve *profile.ValidationError) string {
	base := op.Name
	if op.Body != "" {
		base += "/" + op.Body
	}
	parts := make([]string, 0, len(ve.Violations))
	for _, v := range ve.Violations {
		parts = append(parts, "element "+base+v.Pointer+": "+v.Message)
	}
	return strings.Join(parts, "; ")
}

// requestAction is the SOAPAction header (1.1) or the action parameter of
// the Content-Type (1.2), unquoted; "" when the client sent none.
func requestAction(r *http.Request, version string) string {
	if version == "1.2" {
		_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil {
			return ""
		}
		return params["action"]
	}
	return strings.Trim(strings.TrimSpace(r.Header.Get("SOAPAction")), `"`)
}

// transportError carries a refusal whose HTTP status matters more than its
// fault code.
type transportError struct{ p *problem.Problem }

func (e *transportError) Error() string { return e.p.Detail }

func transportErr(p *problem.Problem) error { return &transportError{p} }

func tooLarge(max int64) *problem.Problem {
	return problem.New(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", max))
}

// record reports one execution once its answer is out.
func (a *API) record(r *http.Request, op *operation, id string, start time.Time, in []any, res *process.Result, status int, failed, aborted bool, msg string) {
	if a.rec == nil {
		return
	}
	end := time.Now()
	d := end.Sub(start)
	if op.lowLatency {
		a.rec.CountLowLatency(d, failed && !aborted)
		return
	}
	e := &model.Execution{
		ID: id, Environment: a.opts.Environment, Runtime: a.opts.RuntimeID,
		Process: op.process, API: a.opts.API, APIVersion: a.opts.APIVersion,
		Endpoint: op.desc.Name, Trigger: Trigger, Mode: model.ModeGeneral,
		Status: model.ExecComplete, HTTPStatus: status, Error: msg, User: endpoint.User(r.Context()),
		StartedAt: start, EndedAt: &end, DurationMS: float64(d.Microseconds()) / 1000, InputDocs: len(in),
	}
	switch {
	case aborted:
		e.Status = model.ExecAborted
	case failed:
		e.Status = model.ExecError
	}
	var cutIn, cutOut bool
	e.Input, cutIn = endpoint.RecordDocs(in, a.limit)
	if res != nil {
		e.OutputDocs = len(res.Documents)
		e.Output, cutOut = endpoint.RecordDocs(res.Documents, a.limit)
	}
	e.Truncated = cutIn || cutOut
	a.rec.Record(e)
}
