package telemetry

import (
	"time"

	"github.com/portico-dev/portico/internal/model"
)

// ExecutionRecorder is what the endpoints report executions to
// (endpoint.Recorder, repeated here so that telemetry stays below endpoint).
type ExecutionRecorder interface {
	Record(rec *model.Execution)
	CountLowLatency(d time.Duration, failed bool)
}

// Recorder counts every execution by status and mode, then hands it on: it
// decorates the runtime's recorder, which sees every execution of both
// modes.
type Recorder struct {
	next ExecutionRecorder
	m    *Metrics
}

// WrapRecorder returns next counted into m.
func WrapRecorder(next ExecutionRecorder, m *Metrics) *Recorder {
	return &Recorder{next: next, m: m}
}

// Record counts a general-mode execution and passes its record on.
func (r *Recorder) Record(rec *model.Execution) {
	r.m.Execution(rec.Status, rec.Mode)
	r.next.Record(rec)
}

// CountLowLatency counts a low-latency execution and passes it on.
func (r *Recorder) CountLowLatency(d time.Duration, failed bool) {
	status := model.ExecComplete
	if failed {
		status = model.ExecError
	}
	r.m.Execution(status, model.ModeLowLatency)
	r.next.CountLowLatency(d, failed)
}
