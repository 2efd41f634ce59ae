package execution

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"time"
	"unicode/utf8"

	"github.com/portico-dev/portico/internal/model"
)

// OutcomeStore is what SaveOutcomes writes to (store.Store).
type OutcomeStore interface {
	SaveExecutionResult(ctx context.Context, r *model.ExecutionResult) error
	EnqueueDelivery(ctx context.Context, d *model.Delivery) (bool, error)
	CompleteQueuedExecutions(ctx context.Context, ids []string) error
}

// DeliveryIDPrefix starts the id of a delivery, which is also its
// webhook-id: "msg_" and the execution id, so that a record reported twice
// queues one delivery, and a receiver sees one id across retries.
const DeliveryIDPrefix = "msg_"

// SaveOutcomes keeps the results of the terminal records of recs that carry
// one, and queues a webhook for those that name a callback. Both are
// idempotent per execution, so a batch reported again is harmless. Call it
// after the records themselves are stored. A terminal record also takes
// its execution off the durable queue, once its outcome is kept.
func SaveOutcomes(ctx context.Context, st OutcomeStore, recs []*model.Execution, now time.Time) error {
	var done []string
	for _, x := range recs {
		if x.Async == nil || !Terminal(x.Status) {
			continue
		}
		done = append(done, x.ID)
		if r := x.Async.Result; r != nil {
			r.ExecutionID = x.ID
			if r.ExpiresAt.IsZero() {
				r.ExpiresAt = now.Add(model.DefaultResultRetention)
			}
			if err := st.SaveExecutionResult(ctx, r); err != nil {
				return fmt.Errorf("execution %s: result: %w", x.ID, err)
			}
		}
		if x.Async.Callback == "" {
			continue
		}
		payload, err := Payload(x, now)
		if err != nil {
			return fmt.Errorf("execution %s: webhook payload: %w", x.ID, err)
		}
		d := &model.Delivery{
			ID: DeliveryIDPrefix + x.ID, ExecutionID: x.ID, Environment: x.Environment,
			URL: x.Async.Callback, Payload: payload, CreatedAt: now,
		}
		if _, err := st.EnqueueDelivery(ctx, d); err != nil {
			return fmt.Errorf("execution %s: webhook: %w", x.ID, err)
		}
	}
	if len(done) > 0 {
		if err := st.CompleteQueuedExecutions(ctx, done); err != nil {
			return fmt.Errorf("taking finished executions off the queue: %w", err)
		}
	}
	return nil
}

// Terminal says whether an execution status is final.
func Terminal(status string) bool {
	return status != model.ExecEnqueued && status != model.ExecInProcess
}

// WebhookPayload is the JSON body of a webhook: the Standard Webhooks
// envelope (type, timestamp, data) around the execution's result.
type WebhookPayload struct {
	Type      string      `json:"type"` // execution.completed | execution.failed | execution.aborted
	Timestamp time.Time   `json:"timestamp"`
	Data      WebhookData `json:"data"`
}

// WebhookData is what a webhook says about its execution: its status and
// the answer the synchronous call would have given. Body is that answer's
// JSON as is when it is JSON, else its text; BodyBase64 carries a body that
// is neither.
type WebhookData struct {
	ExecutionID string              `json:"executionId"`
	Status      string              `json:"status"`
	HTTPStatus  int                 `json:"httpStatus,omitempty"`
	Headers     map[string][]string `json:"headers,omitempty"`
	Body        json.RawMessage     `json:"body,omitempty"`
	BodyBase64  []byte              `json:"bodyBase64,omitempty"`
	Error       string              `json:"error,omitempty"`
}

// Payload renders the webhook body of a terminal record.
func Payload(x *model.Execution, now time.Time) ([]byte, error) {
	p := WebhookPayload{Type: "execution.completed", Timestamp: now.UTC(), Data: WebhookData{
		ExecutionID: x.ID, Status: x.Status, HTTPStatus: x.HTTPStatus, Error: x.Error,
	}}
	switch x.Status {
	case model.ExecError:
		p.Type = "execution.failed"
	case model.ExecAborted, model.ExecDiscarded:
		p.Type = "execution.aborted"
	}
	if x.Async != nil && x.Async.Result != nil {
		r := x.Async.Result
		p.Data.HTTPStatus = r.Status
		p.Data.Headers = r.Header
		if len(r.Body) > 0 {
			ct := ""
			if v := r.Header["Content-Type"]; len(v) > 0 {
				ct = v[0]
			}
			mt, _, _ := mime.ParseMediaType(ct)
			switch {
			case (mt == "application/json" || mt == "application/problem+json") && json.Valid(r.Body):
				p.Data.Body = r.Body
			case utf8.Valid(r.Body):
				s, _ := json.Marshal(string(r.Body))
				p.Data.Body = s
			default:
				p.Data.BodyBase64 = r.Body
			}
		}
	}
	return json.Marshal(p)
}
