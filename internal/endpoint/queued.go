package endpoint

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

// Queue is what an async endpoint needs of the control plane's durable
// queue; execution.Binding implements it next to Async.
type Queue interface {
	// Queued says whether accepted requests go through the durable queue.
	Queued() bool
	// Enqueue makes an accepted request durable, with the INPROCESS record
	// its status link shows; an error means it cannot be accepted.
	Enqueue(ctx context.Context, item *model.QueuedExecution, rec *model.Execution) error
	// Claim takes the queued execution id for this runtime under a lease
	// renewed while it runs; false when it could not (another runtime will).
	Claim(ctx context.Context, id string) bool
	// FinishQueued reports a queued execution's final record and stops
	// renewing its lease; ctx is the execution's detached context, whose
	// cause tells a shutdown (the work stays queued for another runtime).
	FinishQueued(ctx context.Context, rec *model.Execution)
}

// claimedKey marks the context of a queued request replayed on the runtime
// that claimed it.
type claimedKey struct{}

// claimed is a replayed queued request: handled says an async endpoint
// took it.
type claimed struct {
	item    *model.QueuedExecution
	handled bool
}

// Replay returns what runs a claimed queued request on h, the snapshot's
// routes (below authentication and limits, which the request passed when
// it was accepted): the async endpoint of its path runs it and reports its
// final record. It returns false when no async endpoint took it (the API
// was undeployed or changed since).
func Replay(h http.Handler) func(ctx context.Context, item *model.QueuedExecution) bool {
	return func(ctx context.Context, item *model.QueuedExecution) bool {
		c := &claimed{item: item}
		ctx = context.WithValue(WithUser(ctx, item.User), claimedKey{}, c)
		r, err := http.NewRequestWithContext(ctx, item.Method, item.Path, bytes.NewReader(item.Body))
		if err != nil {
			return false
		}
		r.URL.RawQuery = item.Query
		r.RequestURI = r.URL.RequestURI()
		r.Header = http.Header(item.Header).Clone()
		if r.Header == nil {
			r.Header = http.Header{}
		}
		r.ContentLength = int64(len(item.Body))
		w := &capture{header: http.Header{ExecutionIDHeader: {item.ID}}}
		h.ServeHTTP(w, r)
		return c.handled
	}
}

// queued says whether x makes its accepted requests durable first.
func (x *Exchange) queued() Queue {
	if x.asyncEP == nil {
		return nil
	}
	if q, ok := x.async.(Queue); ok && q.Queued() {
		return q
	}
	return nil
}

// serveQueued serves a request of an async endpoint whose environment
// queues them: validated, written to the durable queue, claimed back by id
// and run here; 202 once queued. If the control plane cannot take it the
// answer is 503, since work that is not durable must not be accepted.
func (x *Exchange) serveQueued(w http.ResponseWriter, r *http.Request, q Queue) {
	start := time.Now()
	id := EnsureExecutionID(w)
	var raw bytes.Buffer
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.TeeReader(r.Body, &raw), r.Body}
	}
	_, callback, err := x.detachParams(r)
	var in process.Input
	offset := 0
	if err == nil {
		in, offset, err = x.decode(w, r, id)
	}
	if err == nil && raw.Len() > model.MaxQueuedBody {
		err = problem.New(http.StatusRequestEntityTooLarge, "an async endpoint accepts bodies up to "+strconv.Itoa(model.MaxQueuedBody)+" bytes")
	}
	if err != nil {
		out := x.fail(w, r, id, err)
		if x.rec.to != nil {
			x.record(w, r, id, start, in.Documents, nil, out)
		}
		return
	}
	rec := x.execution(r, id, start, nil, in.Documents, nil, outcome{})
	rec.Async = &model.ExecutionAsync{Callback: callback}
	item := &model.QueuedExecution{
		ID: id, Environment: rec.Environment, API: rec.API, Endpoint: rec.Endpoint,
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: x.queuedHeader(r.Header),
		Body: raw.Bytes(), Callback: callback, User: User(r.Context()), EnqueuedAt: start.UTC(),
	}
	if err := q.Enqueue(r.Context(), item, rec); err != nil {
		x.log.Error("an async request could not be queued", "operation", x.name, "execution", id, "err", err)
		p := problem.New(http.StatusServiceUnavailable, "the control plane cannot take the execution now; try again later")
		p.ExecutionID = id
		p.WithHeader("Retry-After", RetryAfterSeconds)
		problem.Write(w, r, p)
		return
	}
	// Most often the accepting runtime runs its own work at once; when the
	// claim fails another runtime of the environment runs it.
	if q.Claim(r.Context(), id) {
		ctx, release := x.async.Detach(r.Context(), id)
		go x.runQueued(ctx, release, r.WithContext(ctx), id, start, in, offset, callback, q)
	}
	x.answerAccepted(w, id)
}

// serveClaimed runs a queued request this runtime claimed from the queue.
func (x *Exchange) serveClaimed(w http.ResponseWriter, r *http.Request, c *claimed) {
	q := x.queued()
	if q == nil {
		return
	}
	c.handled = true
	start := time.Now()
	id := EnsureExecutionID(w)
	ctx, release := x.async.Detach(r.Context(), id)
	r = r.WithContext(ctx)
	in, offset, err := x.decode(w, r, id)
	if err != nil {
		// It decoded when it was accepted; a changed profile may refuse it
		// now: its record says so.
		cw := &capture{header: http.Header{}}
		out := x.fail(cw, r, id, err)
		end := time.Now()
		final := x.execution(r, id, start, &end, in.Documents, nil, out)
		final.Async = &model.ExecutionAsync{Callback: c.item.Callback}
		final.Async.Result = cw.result(id, x.async.ResultLimit(), x.async.ResultExpiry(end))
		q.FinishQueued(ctx, final)
		release()
		return
	}
	x.runQueued(ctx, release, r, id, start, in, offset, c.item.Callback, q)
}

// runQueued runs a claimed queued execution and reports its final record
// with the kept result.
func (x *Exchange) runQueued(ctx context.Context, release func(), r *http.Request, id string, start time.Time,
	in process.Input, offset int, callback string, q Queue) {
	defer release()
	cw := &capture{header: http.Header{ExecutionIDHeader: {id}}}
	res, err := x.runner.Run(ctx, in)
	var out outcome
	switch {
	case err != nil && ctx.Err() != nil:
		out = outcome{failed: true, aborted: true, message: context.Cause(ctx).Error()}
	case err != nil:
		out = x.fail(cw, r, id, err)
	default:
		if res == nil {
			res = &process.Result{}
		}
		out = x.respond(cw, r, id, res, offset)
	}
	end := time.Now()
	final := x.execution(r, id, start, &end, in.Documents, res, out)
	final.Async = &model.ExecutionAsync{Callback: callback}
	if !out.aborted {
		final.Async.Result = cw.result(id, x.async.ResultLimit(), x.async.ResultExpiry(end))
	}
	q.FinishQueued(ctx, final)
}

// queuedHeader keeps the request headers the endpoint reads.
func (x *Exchange) queuedHeader(h http.Header) http.Header {
	out := http.Header{}
	for _, k := range []string{"Content-Type", "Accept"} {
		if v := h[k]; len(v) > 0 {
			out[k] = v
		}
	}
	for _, d := range x.headers {
		if v := h[d.canonical]; len(v) > 0 {
			out[d.canonical] = v
		}
	}
	return out
}

// answerAccepted writes the 202 of a detached execution.
func (x *Exchange) answerAccepted(w http.ResponseWriter, id string) {
	link := x.async.StatusLink(id)
	h := w.Header()
	h.Set(StatusLinkHeader, link)
	h.Set("Location", link)
	h.Set("Content-Type", "application/json")
	body, _ := json.Marshal(accepted{ExecutionID: id, Status: model.ExecInProcess, StatusLink: link})
	body = append(body, '\n')
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write(body)
}
