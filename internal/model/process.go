package model

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
)

// Process execution modes.
const (
	ModeGeneral    = "general"
	ModeLowLatency = "low-latency"
)

// ProcessSpec is a small integration process: steps that transform a list of
// documents and a map of properties.
type ProcessSpec struct {
	Mode   string `json:"mode,omitempty"` // general (default) | low-latency
	Input  Schema `json:"input,omitempty"`
	Output Schema `json:"output,omitempty"`
	// AllowSimultaneous lets several executions of this process run at
	// once (the default); false runs them one at a time.
	AllowSimultaneous *bool `json:"allowSimultaneous,omitempty"`
	// MaxDocuments caps the documents one response carries; the rest is
	// paged (0: no paging).
	MaxDocuments int `json:"maxDocuments,omitempty"`
	// Operation exposes the process without a custom API at
	// /ws/simple/{type}{Object} (services enablement).
	Operation *ProcessOperation `json:"operation,omitempty"`
	Steps     []Step            `json:"steps"`
}

// ProcessOperation names a process's listener operation: a type (get,
// query, create, update, upsert, delete, execute, ...) and an object
// (Customer), served at /ws/simple/getCustomer.
type ProcessOperation struct {
	Type   string `json:"type"`
	Object string `json:"object"`
}

// SimpleName is the operation's URL name: type + object ("getCustomer").
func (o *ProcessOperation) SimpleName() string { return o.Type + o.Object }

// Step is one step of a process. Exactly one of its action fields is set.
type Step struct {
	Name    string       `json:"name,omitempty"`
	Query   *SQLStep     `json:"query,omitempty"`
	Exec    *SQLStep     `json:"exec,omitempty"`
	HTTP    *HTTPStep    `json:"http,omitempty"`
	Map     *MapStep     `json:"map,omitempty"`
	Set     *SetStep     `json:"set,omitempty"`
	Decide  *DecideStep  `json:"decide,omitempty"`
	Foreach *ForeachStep `json:"foreach,omitempty"`
	Call    *CallStep    `json:"call,omitempty"`
	Return  *ReturnStep  `json:"return,omitempty"`
	Fail    *FailStep    `json:"fail,omitempty"`
}

// SQLStep runs one SQL statement with named parameters (":name"); each
// parameter's value is a jq expression over the current document.
type SQLStep struct {
	Connection string            `json:"connection"`
	SQL        string            `json:"sql"`
	Params     map[string]string `json:"params,omitempty"`
}

// HTTPStep calls a host through an HTTP connection.
type HTTPStep struct {
	Connection string            `json:"connection"`
	Method     string            `json:"method,omitempty"`
	Path       string            `json:"path,omitempty"`
	Headers    map[string]string `json:"headers,omitempty"`
	Body       string            `json:"body,omitempty"` // jq expression
}

// MapStep transforms each document with a jq expression.
type MapStep struct {
	JQ string `json:"jq"`
}

// SetStep sets properties, each from a jq expression.
type SetStep struct {
	Properties map[string]string `json:"properties"`
}

// DecideStep runs Then when the condition holds, Else otherwise.
type DecideStep struct {
	If   string `json:"if"`
	Then []Step `json:"then"`
	Else []Step `json:"else,omitempty"`
}

// ForeachStep runs Steps once per item that the jq expression Items yields.
type ForeachStep struct {
	Items string `json:"items"`
	Steps []Step `json:"steps"`
}

// CallStep runs another process with the current documents.
type CallStep struct {
	Process string `json:"process"`
}

// ReturnStep hands the current documents back to the caller.
type ReturnStep struct {
	Status int `json:"status,omitempty"`
}

// FailStep ends the execution with an error.
type FailStep struct {
	Status  int    `json:"status,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
}

// Kind implements Spec.
func (*ProcessSpec) Kind() Kind { return KindProcess }

// Validate implements Spec.
func (s *ProcessSpec) Validate() error {
	var e errs
	switch s.Mode {
	case "", ModeGeneral, ModeLowLatency:
	default:
		e.add("spec.mode", "%q is not supported (want general or low-latency)", s.Mode)
	}
	// YAML can spell numbers JSON cannot hold (.inf, 1e400); such a
	// profile could be neither hashed nor stored.
	if _, err := json.Marshal(s.Input); err != nil {
		e.add("spec.input", "is not a JSON document: %v", err)
	}
	if _, err := json.Marshal(s.Output); err != nil {
		e.add("spec.output", "is not a JSON document: %v", err)
	}
	if s.MaxDocuments < 0 {
		e.add("spec.maxDocuments", "must not be negative")
	}
	if o := s.Operation; o != nil {
		if !operationTypeRE.MatchString(o.Type) {
			e.add("spec.operation.type", "%q is not an operation type (lower-case letters, e.g. get, query, create)", o.Type)
		}
		if !operationObjectRE.MatchString(o.Object) {
			e.add("spec.operation.object", "%q is not an object name (a capital letter, then letters and digits, e.g. Customer)", o.Object)
		}
	}
	if len(s.Steps) == 0 {
		e.add("spec.steps", "a process needs at least one step")
	}
	validateSteps(&e, "spec.steps", s.Steps, 0)
	return e.err()
}

const maxStepDepth = 16

var (
	operationTypeRE   = regexp.MustCompile(`^[a-z][a-z0-9]{0,31}$`)
	operationObjectRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9]{0,63}$`)
)

func validateSteps(e *errs, path string, steps []Step, depth int) {
	// An absent else list is not nesting, so only non-empty lists count.
	if depth > maxStepDepth && len(steps) > 0 {
		e.add(path, "steps nested deeper than %d levels", maxStepDepth)
		return
	}
	for i := range steps {
		validateStep(e, fmt.Sprintf("%s[%d]", path, i), &steps[i], depth)
	}
}

func validateStep(e *errs, p string, st *Step, depth int) {
	n := 0
	for _, set := range []bool{st.Query != nil, st.Exec != nil, st.HTTP != nil, st.Map != nil, st.Set != nil,
		st.Decide != nil, st.Foreach != nil, st.Call != nil, st.Return != nil, st.Fail != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		e.add(p, "a step needs exactly one of query, exec, http, map, set, decide, foreach, call, return, fail (found %d)", n)
		return
	}
	switch {
	case st.Query != nil:
		validateSQL(e, p+".query", st.Query)
	case st.Exec != nil:
		validateSQL(e, p+".exec", st.Exec)
	case st.HTTP != nil:
		if !ValidName(st.HTTP.Connection) {
			e.add(p+".http.connection", "must name a connection")
		}
		if m := st.HTTP.Method; m != "" && !slices.Contains(httpMethods, m) {
			e.add(p+".http.method", "%q is not an HTTP method", m)
		}
	case st.Map != nil:
		if st.Map.JQ == "" {
			e.add(p+".map.jq", "is required")
		}
	case st.Set != nil:
		if len(st.Set.Properties) == 0 {
			e.add(p+".set.properties", "is required")
		}
	case st.Decide != nil:
		if st.Decide.If == "" {
			e.add(p+".decide.if", "is required")
		}
		validateSteps(e, p+".decide.then", st.Decide.Then, depth+1)
		validateSteps(e, p+".decide.else", st.Decide.Else, depth+1)
	case st.Foreach != nil:
		if st.Foreach.Items == "" {
			e.add(p+".foreach.items", "is required")
		}
		if len(st.Foreach.Steps) == 0 {
			e.add(p+".foreach.steps", "is required")
		}
		validateSteps(e, p+".foreach.steps", st.Foreach.Steps, depth+1)
	case st.Call != nil:
		if !ValidName(st.Call.Process) {
			e.add(p+".call.process", "must name a process")
		}
	case st.Return != nil:
		if s := st.Return.Status; s != 0 && (s < 100 || s > 599) {
			e.add(p+".return.status", "%d is not an HTTP status", s)
		}
	case st.Fail != nil:
		if s := st.Fail.Status; s != 0 && (s < 400 || s > 599) {
			e.add(p+".fail.status", "%d is not an HTTP error status (400-599)", s)
		}
		if st.Fail.Message == "" {
			e.add(p+".fail.message", "is required")
		}
	}
}

func validateSQL(e *errs, p string, s *SQLStep) {
	if !ValidName(s.Connection) {
		e.add(p+".connection", "must name a connection")
	}
	if s.SQL == "" {
		e.add(p+".sql", "is required")
	}
}

// httpMethods are the methods an endpoint or an http step may use.
var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// References implements Spec: the connections and processes the steps use.
func (s *ProcessSpec) References() []Ref {
	var refs []Ref
	collectStepRefs(&refs, s.Steps)
	return uniqueRefs(refs)
}

func collectStepRefs(refs *[]Ref, steps []Step) {
	for i := range steps {
		st := &steps[i]
		switch {
		case st.Query != nil:
			*refs = append(*refs, Ref{KindConnection, st.Query.Connection})
		case st.Exec != nil:
			*refs = append(*refs, Ref{KindConnection, st.Exec.Connection})
		case st.HTTP != nil:
			*refs = append(*refs, Ref{KindConnection, st.HTTP.Connection})
		case st.Call != nil:
			*refs = append(*refs, Ref{KindProcess, st.Call.Process})
		case st.Decide != nil:
			collectStepRefs(refs, st.Decide.Then)
			collectStepRefs(refs, st.Decide.Else)
		case st.Foreach != nil:
			collectStepRefs(refs, st.Foreach.Steps)
		}
	}
}

// uniqueRefs sorts refs and drops duplicates and empty names.
func uniqueRefs(refs []Ref) []Ref {
	slices.SortFunc(refs, func(a, b Ref) int {
		if a.Kind != b.Kind {
			if a.Kind < b.Kind {
				return -1
			}
			return 1
		}
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	out := refs[:0]
	for i, r := range refs {
		if r.Name == "" || (i > 0 && r == refs[i-1]) {
			continue
		}
		out = append(out, r)
	}
	return out
}
