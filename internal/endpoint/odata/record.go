package odata

import (
	"net/http"
	"strings"
	"time"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/model"
)

// statusWriter remembers the status and the error message of an answer,
// for the execution record.
type statusWriter struct {
	http.ResponseWriter
	status  int
	message string
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// record reports one request as an execution (trigger "odata"): who asked
// what of which entity set, the status and, for an error, the message the
// client saw. Documents are not copied: an OData answer is a query result
// the database still holds.
func (s *Service) record(w *statusWriter, r *http.Request, target string, started time.Time) {
	rec := s.opts.Recorder
	if rec == nil {
		return
	}
	ended := time.Now()
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	x := &model.Execution{
		ID: w.Header().Get(endpoint.ExecutionIDHeader), Environment: s.opts.Environment, Runtime: s.opts.RuntimeID,
		API: s.name, APIVersion: s.opts.APIVersion, Endpoint: r.Method + " " + target, Trigger: "odata",
		Mode: model.ModeGeneral, Status: model.ExecComplete, HTTPStatus: status, User: endpoint.User(r.Context()),
		StartedAt: started, EndedAt: &ended, DurationMS: float64(ended.Sub(started).Microseconds()) / 1000,
	}
	if proc := s.processOf(target); proc != "" {
		x.Process = proc
	}
	if status >= 400 {
		x.Status, x.Error = model.ExecError, w.message
	}
	if r.Context().Err() != nil {
		x.Status = model.ExecAborted
	}
	rec.Record(x)
}

// processOf names the process behind the entity set a path starts with.
func (s *Service) processOf(target string) string {
	name, _, _ := strings.Cut(target, "(")
	name, _, _ = strings.Cut(name, "/")
	if set := s.svc.Set(name); set != nil {
		return set.Process
	}
	return ""
}
