package model

import (
	"strings"
	"time"
)

// QueuedExecution is a request an async endpoint accepted, kept in the
// control plane's durable queue until a runtime of its environment has run
// it: everything the endpoint needs to run it again on any runtime. The
// runtime that claims it holds a lease (ClaimedBy, LeaseUntil) that it
// renews while the process runs; once the lease has passed, any runtime of
// the environment may claim it again.
type QueuedExecution struct {
	// ID is the execution id the caller was given with its 202.
	ID          string `json:"id"`
	Environment string `json:"environment"`
	// API and Endpoint label the request (as in its execution record).
	API      string `json:"api,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
	Method   string `json:"method"`
	// Path is the request's path under the gateway (/ws/rest/...), Query
	// its raw query string.
	Path  string `json:"path"`
	Query string `json:"query,omitempty"`
	// Header holds the request headers the endpoint reads (declared
	// headers, Content-Type).
	Header map[string][]string `json:"header,omitempty"`
	Body   []byte              `json:"body,omitempty"`
	// Callback is the webhook URL the result goes to, if any.
	Callback string `json:"callback,omitempty"`
	// User is the authenticated caller, handed to the process as inuser.
	User       string    `json:"user,omitempty"`
	EnqueuedAt time.Time `json:"enqueuedAt"`
	// ClaimedBy is the runtime instance holding the lease; Attempts counts
	// the claims so far (more than one: a runtime died or lost its lease).
	ClaimedBy  string     `json:"claimedBy,omitempty"`
	LeaseUntil *time.Time `json:"leaseUntil,omitempty"`
	Attempts   int        `json:"attempts"`
}

// MaxQueuedBody is the largest request body an async endpoint queues: the
// queued request travels to the control plane as JSON (base64 body) under
// the platform API's body limit.
const MaxQueuedBody = 2 << 20

// Validate checks what the queue relies on.
func (q *QueuedExecution) Validate() error {
	var e errs
	if q.ID == "" || len(q.ID) > 64 || strings.ContainsAny(q.ID, " /\t\n") {
		e.add("id", "is required: at most 64 characters, no spaces or slashes")
	}
	if q.Environment == "" || len(q.Environment) > 63 {
		e.add("environment", "is required")
	}
	if q.Method == "" || len(q.Method) > 16 {
		e.add("method", "is required")
	}
	if !strings.HasPrefix(q.Path, "/") || len(q.Path) > 4096 {
		e.add("path", "must start with / (at most 4096 characters)")
	}
	if len(q.Query) > 8192 {
		e.add("query", "is longer than 8192 characters")
	}
	if len(q.Body) > MaxQueuedBody {
		e.add("body", "is larger than %d bytes", MaxQueuedBody)
	}
	if len(q.Callback) > 2048 {
		e.add("callback", "is longer than 2048 characters")
	}
	return e.err()
}
