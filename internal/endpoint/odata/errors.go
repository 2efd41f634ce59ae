package odata

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/odata/query"
	"github.com/portico-dev/portico/internal/endpoint/problem"
)

// errorBody is the OData JSON error format.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Target  string        `json:"target,omitempty"`
	Details []errorDetail `json:"details,omitempty"`
	// ExecutionID names the execution in the logs, as on every answer.
	ExecutionID string `json:"executionId,omitempty"`
}

// statusCodes name the errors that carry no code of their own.
var statusCodes = map[int]string{
	http.StatusBadRequest: "badRequest", http.StatusNotFound: "notFound", http.StatusMethodNotAllowed: "methodNotAllowed",
	http.StatusConflict: "conflict", http.StatusPreconditionFailed: "preconditionFailed",
	http.StatusRequestEntityTooLarge: "payloadTooLarge", http.StatusUnsupportedMediaType: "unsupportedMediaType",
	http.StatusUnprocessableEntity: "unprocessable", http.StatusNotImplemented: "notImplemented",
	http.StatusServiceUnavailable: "serviceUnavailable", http.StatusGatewayTimeout: "timeout",
	http.StatusInternalServerError: "internalError", http.StatusNotAcceptable: "notAcceptable",
}

// writeError answers err in the OData error format: a *query.Error as it
// is; anything else (a database's, a process's) through the one mapping
// every endpoint style shares, so that SQL and Go errors never reach a
// client. It returns the status and the message written.
func writeError(w http.ResponseWriter, err error) (int, string) {
	id := endpoint.EnsureExecutionID(w)
	var qe *query.Error
	var d errorDetail
	status := http.StatusInternalServerError
	if errors.As(err, &qe) {
		status = qe.Status
		d = errorDetail{Code: qe.Code, Message: qe.Message, Target: qe.Target}
	} else {
		p := endpoint.Problem(err, id)
		status = p.Status
		d = errorDetail{Code: p.Code, Message: p.Detail}
		if status == http.StatusInternalServerError {
			d.Message = "the request failed; see execution " + id
		}
		for k, vs := range p.Header {
			w.Header()[k] = vs
		}
	}
	if d.Code == "" {
		d.Code = statusCodes[status]
		if d.Code == "" {
			d.Code = strconv.Itoa(status)
		}
	}
	if d.Target != "" {
		d.Details = []errorDetail{{Code: d.Code, Message: d.Message, Target: d.Target}}
	}
	d.ExecutionID = id
	body, _ := json.Marshal(errorBody{Error: d})
	h := w.Header()
	h.Set("Content-Type", "application/json; odata.metadata=minimal")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status, d.Message
}

// errorf is a *query.Error of any status.
func errorf(status int, code, target, msg string) *query.Error {
	return &query.Error{Status: status, Code: code, Target: target, Message: msg}
}

// WriteProblem answers a refusal made before the request reached the
// service (authentication, limits: p) in the OData error format, with p's
// status and headers.
func WriteProblem(w http.ResponseWriter, p *problem.Problem) {
	if p.ExecutionID != "" && w.Header().Get(endpoint.ExecutionIDHeader) == "" {
		w.Header().Set(endpoint.ExecutionIDHeader, p.ExecutionID)
	}
	writeError(w, p)
}
