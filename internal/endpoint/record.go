package endpoint

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// Limits of the documents copied into an execution record.
const (
	DefaultRecordLimit = 64 << 10
	// MaxRecordLimit is what the control plane accepts (model.Execution).
	MaxRecordLimit = 1 << 20
)

// outcome is what one request ended with, as its client saw it.
type outcome struct {
	status  int    // the HTTP status written; 0 when nothing was
	failed  bool   // the request did not complete: refused, failed or aborted
	aborted bool   // the client went away
	message string // the problem detail the client saw
}

// recording is what an Exchange needs to report its executions, prepared
// once so that a request only fills in its own values.
type recording struct {
	to         Recorder // nil: record nothing
	lowLatency bool
	limit      int
	env, rt    string
	process    string
	api, ver   string
	endpoint   string
	trigger    string
}

func newRecording(cfg Config, spec *model.ProcessSpec, opts Options) recording {
	limit := opts.RecordLimitBytes
	if limit <= 0 {
		limit = DefaultRecordLimit
	}
	ep := cfg.Endpoint
	if ep == "" {
		ep = cfg.Name
	}
	return recording{
		to:         opts.Recorder,
		lowLatency: spec.Mode == model.ModeLowLatency,
		limit:      min(limit, MaxRecordLimit),
		env:        opts.Environment,
		rt:         opts.RuntimeID,
		process:    cfg.Process.Name,
		api:        opts.API,
		ver:        opts.APIVersion,
		endpoint:   ep,
		trigger:    cfg.Trigger,
	}
}

// record reports one execution once its answer is out. A low-latency
// process is only counted. A request refused before its process ran (a 400
// on the body, say) is recorded too: its client holds the execution id.
func (x *Exchange) record(w http.ResponseWriter, r *http.Request, id string, start time.Time, in []any, res *process.Result, out outcome) {
	end := time.Now()
	rc := &x.rec
	if rc.lowLatency {
		rc.to.CountLowLatency(end.Sub(start), out.failed && !out.aborted)
		return
	}
	// Push the answer to the client before the documents are marshalled,
	// so that recording does not delay it.
	if f, ok := w.(http.Flusher); ok && !out.aborted {
		f.Flush()
	}
	rc.to.Record(x.execution(r, id, start, &end, in, res, out))
}

// execution builds the record of one execution; a nil end leaves it
// INPROCESS (a detached execution just accepted).
func (x *Exchange) execution(r *http.Request, id string, start time.Time, end *time.Time, in []any, res *process.Result, out outcome) *model.Execution {
	rc := &x.rec
	e := &model.Execution{
		ID:          id,
		Environment: rc.env,
		Runtime:     rc.rt,
		Process:     rc.process,
		API:         rc.api,
		APIVersion:  rc.ver,
		Endpoint:    rc.endpoint,
		Trigger:     rc.trigger,
		Mode:        model.ModeGeneral,
		Status:      model.ExecComplete,
		HTTPStatus:  out.status,
		Error:       out.message,
		User:        User(r.Context()),
		StartedAt:   start,
		EndedAt:     end,
		InputDocs:   len(in),
	}
	switch {
	case end == nil:
		e.Status = model.ExecInProcess
	case out.aborted:
		e.Status = model.ExecAborted
	case out.failed:
		e.Status = model.ExecError
	}
	if end != nil {
		e.DurationMS = float64(end.Sub(start).Microseconds()) / 1000
	}
	var cutIn, cutOut bool
	e.Input, cutIn = marshalCut(in, rc.limit)
	if res != nil {
		e.OutputDocs = len(res.Documents)
		e.Output, cutOut = marshalCut(res.Documents, rc.limit)
	}
	e.Truncated = cutIn || cutOut
	return e
}

// marshalCut renders docs as a JSON array of at most limit bytes. It cuts
// between documents, never inside one, so that the record stays valid JSON
// (the control plane may store it as such); cut says documents were left
// out. A document that cannot be marshalled is left out too.
func marshalCut(docs []any, limit int) (json.RawMessage, bool) {
	if docs == nil {
		return nil, false
	}
	buf := make([]byte, 1, min(limit, 4096))
	buf[0] = '['
	cut := false
	for _, d := range docs {
		b, err := json.Marshal(d)
		if err != nil {
			cut = true
			continue
		}
		// The room left must hold the comma and the closing bracket.
		if len(buf)+len(b)+2 > limit {
			cut = true
			break
		}
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = append(buf, b...)
	}
	return append(buf, ']'), cut
}
