package model

import (
	"encoding/json"
	"time"
)

// Execution statuses.
const (
	ExecEnqueued  = "ENQUEUED"
	ExecInProcess = "INPROCESS"
	ExecComplete  = "COMPLETE"
	ExecError     = "ERROR"
	ExecAborted   = "ABORTED"
	ExecDiscarded = "DISCARDED"
)

// ExecutionStatuses lists every status, for validation and filters.
var ExecutionStatuses = []string{ExecEnqueued, ExecInProcess, ExecComplete, ExecError, ExecAborted, ExecDiscarded}

// Execution is the record of one process run. General-mode processes leave
// one (with bounded copies of their input and output documents);
// low-latency processes leave none, only aggregates.
type Execution struct {
	ID          string `json:"id"` // UUIDv7, as sent in X-Execution-Id
	Environment string `json:"environment"`
	Runtime     string `json:"runtime,omitempty"` // the runtime instance that ran it
	Process     string `json:"process"`
	API         string `json:"api,omitempty"`        // the api component, when an endpoint triggered it
	APIVersion  string `json:"apiVersion,omitempty"` // its spec.version
	Endpoint    string `json:"endpoint,omitempty"`   // "GET /customers/{id}" or "getCustomer" (simple)
	Trigger     string `json:"trigger"`              // rest | simple | soap | odata | schedule | ...
	Mode        string `json:"mode"`                 // general | low-latency
	Status      string `json:"status"`
	HTTPStatus  int    `json:"httpStatus,omitempty"`
	// Error is the message safe to show (never SQL text or a stack trace).
	Error      string     `json:"error,omitempty"`
	User       string     `json:"user,omitempty"`
	StartedAt  time.Time  `json:"startedAt"`
	EndedAt    *time.Time `json:"endedAt,omitempty"`
	DurationMS float64    `json:"durationMs"`
	InputDocs  int        `json:"inputDocuments"`
	OutputDocs int        `json:"outputDocuments"`
	// Input and Output are JSON arrays of the documents, cut at the
	// runtime's record limit (Truncated says so).
	Input     json.RawMessage `json:"input,omitempty"`
	Output    json.RawMessage `json:"output,omitempty"`
	Truncated bool            `json:"truncated,omitempty"`
	// Async is set on the records of executions that outlived their request.
	Async *ExecutionAsync `json:"async,omitempty"`
}

// Validate checks a record a runtime reports.
func (x *Execution) Validate() error {
	var e errs
	if x.ID == "" || len(x.ID) > 64 {
		e.add("id", "is required (at most 64 characters)")
	}
	if !ValidName(x.Environment) {
		e.add("environment", "%q is not an environment name", x.Environment)
	}
	if x.Process != "" && !ValidName(x.Process) {
		e.add("process", "%q is not a process name", x.Process)
	}
	valid := false
	for _, s := range ExecutionStatuses {
		if x.Status == s {
			valid = true
		}
	}
	if !valid {
		e.add("status", "%q is not an execution status", x.Status)
	}
	if x.StartedAt.IsZero() {
		e.add("startedAt", "is required")
	}
	if len(x.Input) > 1<<20 || len(x.Output) > 1<<20 {
		e.add("input", "documents are recorded up to 1 MiB each way")
	}
	return e.err()
}
