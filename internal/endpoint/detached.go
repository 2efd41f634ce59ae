package endpoint

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// Headers of executions that outlive their request.
const (
	MaxWaitHeader    = "X-Max-Wait"
	CallbackHeader   = "X-Callback-Url"
	StatusLinkHeader = "X-Execution-Status-Link"
)

// Async runs the executions that outlive their request, under one
// environment's settings; execution.Binding implements it.
type Async interface {
	// MaxWait caps X-Max-Wait.
	MaxWait() time.Duration
	// ResultLimit is the most body bytes a kept result holds.
	ResultLimit() int
	// ResultExpiry is when a result kept at now expires.
	ResultExpiry(now time.Time) time.Time
	// CheckCallback refuses a callback URL the environment does not allow.
	CheckCallback(raw string) error
	// StatusLink is the URL to poll the execution at.
	StatusLink(id string) string
	// Detach returns a context that keeps parent's values and ends only on
	// a cancel request or the runtime's shutdown; release ends it.
	Detach(parent context.Context, id string) (ctx context.Context, release func())
	// Accept journals and reports an execution about to go on after its
	// answer; an error means it cannot be accepted.
	Accept(ctx context.Context, rec *model.Execution) error
	// Finish journals and reports a detached execution's final record.
	Finish(rec *model.Execution)
}

// accepted is the body of a 202.
type accepted struct {
	ExecutionID string `json:"executionId"`
	Status      string `json:"status"`
	StatusLink  string `json:"statusLink"`
}

// handoff decides, between the request's goroutine and the execution's,
// who answers: the request when the execution finishes in time, the
// execution's own report once the request has answered 202.
type handoff struct {
	mu       sync.Mutex
	finished bool
	detached bool
	res      *process.Result
	out      outcome
	done     chan struct{}
}

// serveDetachable serves a request that may outlive its answer: one with
// X-Max-Wait, or any request of an async endpoint. The process runs on a
// context of its own, its answer captured; if it ends within the wait the
// captured answer is copied out as the synchronous call would have written
// it, else the client gets 202 and the answer becomes the kept result.
func (x *Exchange) serveDetachable(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := EnsureExecutionID(w)
	wait, callback, err := x.detachParams(r)
	var in process.Input
	offset := 0
	if err == nil {
		in, offset, err = x.decode(w, r, id)
	}
	if err != nil {
		out := x.fail(w, r, id, err)
		if x.rec.to != nil {
			x.record(w, r, id, start, in.Documents, nil, out)
		}
		return
	}
	ctx, release := x.async.Detach(r.Context(), id)
	rec := x.execution(r, id, start, nil, in.Documents, nil, outcome{})
	rec.Async = &model.ExecutionAsync{Callback: callback}
	st := &handoff{done: make(chan struct{})}
	if wait == 0 {
		if err := x.async.Accept(r.Context(), rec); err != nil {
			release()
			x.log.Error("an execution could not be accepted", "operation", x.name, "execution", id, "err", err)
			p := problem.New(http.StatusServiceUnavailable, "the execution could not be accepted; try again later")
			p.ExecutionID = id
			p.WithHeader("Retry-After", RetryAfterSeconds)
			problem.Write(w, r, p)
			return
		}
		st.detached = true
	}
	cw := &capture{header: w.Header().Clone()}
	go x.runDetached(ctx, release, r.WithContext(ctx), id, start, in, offset, cw, st, rec)
	if wait > 0 {
		timer := time.NewTimer(wait)
		select {
		case <-st.done:
		case <-timer.C:
		case <-r.Context().Done():
		}
		timer.Stop()
		st.mu.Lock()
		if !st.finished {
			st.detached = true
			// The client may be gone already: the report must not end with it.
			if err := x.async.Accept(context.WithoutCancel(r.Context()), rec); err != nil {
				x.log.Warn("an execution that goes on could not be journaled", "operation", x.name, "execution", id, "err", err)
			}
		}
		st.mu.Unlock()
		if !st.detached {
			x.answerCaptured(w, r, id, cw, st.out)
			if x.rec.to != nil {
				x.record(w, r, id, start, in.Documents, st.res, st.out)
			}
			return
		}
	}
	x.answerAccepted(w, id)
}

// detachParams reads X-Max-Wait (capped) and the callback; wait 0 answers
// 202 at once, as an async endpoint always does.
func (x *Exchange) detachParams(r *http.Request) (time.Duration, string, error) {
	var wait time.Duration
	if v := r.Header.Get(MaxWaitHeader); v != "" {
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil || ms < 0 {
			return 0, "", problem.New(http.StatusBadRequest, "the X-Max-Wait header must be a whole number of milliseconds, not "+strconv.Quote(v))
		}
		wait = min(time.Duration(min(ms, 1<<40))*time.Millisecond, x.async.MaxWait())
	}
	if x.asyncEP == nil {
		return wait, "", nil
	}
	if callback := r.Header.Get(CallbackHeader); callback != "" {
		if err := x.async.CheckCallback(callback); err != nil {
			return 0, "", problem.New(http.StatusBadRequest, "the callback URL is not allowed: "+err.Error())
		}
		return 0, callback, nil
	}
	if callback := x.asyncEP.Webhook; callback != "" {
		if err := x.async.CheckCallback(callback); err != nil {
			// The caller cannot fix the endpoint's own webhook.
			x.log.Error("the endpoint's webhook is not allowed in this environment", "operation", x.name, "err", err)
			return 0, "", problem.New(http.StatusInternalServerError, "the endpoint's webhook is not allowed by the environment's callbackHosts")
		}
		return 0, callback, nil
	}
	return 0, "", nil
}

// runDetached runs the process on its detached context and hands the
// outcome over: to the waiting request, or, once the request has answered
// 202, to the dispatcher as the final record with the kept result.
func (x *Exchange) runDetached(ctx context.Context, release func(), r *http.Request, id string, start time.Time,
	in process.Input, offset int, cw *capture, st *handoff, rec *model.Execution) {
	defer release()
	res, err := x.runner.Run(ctx, in)
	var out outcome
	switch {
	case err != nil && ctx.Err() != nil:
		// Cancelled or shut down: nobody gets an answer from the process.
		out = outcome{failed: true, aborted: true, message: context.Cause(ctx).Error()}
	case err != nil:
		out = x.fail(cw, r, id, err)
	default:
		if res == nil {
			res = &process.Result{}
		}
		out = x.respond(cw, r, id, res, offset)
	}
	st.mu.Lock()
	st.finished, st.res, st.out = true, res, out
	detached := st.detached
	st.mu.Unlock()
	close(st.done)
	if !detached {
		return
	}
	end := time.Now()
	final := x.execution(r, id, start, &end, in.Documents, res, out)
	final.Async = &model.ExecutionAsync{Callback: rec.Async.Callback}
	if !out.aborted {
		final.Async.Result = cw.result(id, x.async.ResultLimit(), x.async.ResultExpiry(end))
	}
	x.async.Finish(final)
}

// answerCaptured writes what the process answered into the capture, as the
// synchronous path would have written it.
func (x *Exchange) answerCaptured(w http.ResponseWriter, r *http.Request, id string, cw *capture, out outcome) {
	if out.aborted && cw.status == 0 {
		p := problem.New(http.StatusServiceUnavailable, "the execution was stopped: "+out.message)
		p.ExecutionID = id
		problem.Write(w, r, p)
		return
	}
	h := w.Header()
	clear(h)
	for k, v := range cw.header {
		h[k] = v
	}
	w.WriteHeader(cw.status)
	if cw.body.Len() > 0 {
		_, _ = w.Write(cw.body.Bytes())
	}
}

// capture is a ResponseWriter that keeps the answer, so that the same bytes
// go to the client or into the kept result.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

// result is the kept result; a body over limit is dropped, its status and
// headers kept.
func (c *capture) result(id string, limit int, expires time.Time) *model.ExecutionResult {
	status := c.status
	if status == 0 {
		status = http.StatusOK
	}
	r := &model.ExecutionResult{ExecutionID: id, Status: status, Header: c.header, ExpiresAt: expires}
	if c.body.Len() > limit {
		r.Dropped = true
	} else if c.body.Len() > 0 {
		r.Body = c.body.Bytes()
	}
	return r
}
