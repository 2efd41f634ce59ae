package model

import (
	"encoding/json"
	"time"
)

// ExecutionAsync travels on the record of an execution that outlived its
// request (X-Max-Wait answered 202, or an async endpoint): where its result
// goes and, once it ended, the result itself.
type ExecutionAsync struct {
	// Callback is the webhook URL the result is POSTed to; "" for none.
	Callback string `json:"callback,omitempty"`
	// Result is the answer the synchronous call would have given; set on
	// the terminal record.
	Result *ExecutionResult `json:"result,omitempty"`
}

// ExecutionResult is the HTTP answer of an execution, kept for polling.
type ExecutionResult struct {
	ExecutionID string              `json:"executionId"`
	Status      int                 `json:"status"`
	Header      map[string][]string `json:"header,omitempty"`
	// Body is the answer's body; nil with Dropped when it was larger than
	// the environment's resultMaxBytes.
	Body      []byte    `json:"body,omitempty"`
	Dropped   bool      `json:"dropped,omitempty"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Delivery statuses.
const (
	DeliveryPending   = "PENDING"
	DeliveryDelivered = "DELIVERED"
	DeliveryFailed    = "FAILED"
)

// Delivery is one webhook message in the control plane's outbox: the result
// of an execution POSTed to its callback, retried until it is accepted or
// its horizon passes.
type Delivery struct {
	ID          string `json:"id"` // the webhook-id header, stable across attempts
	ExecutionID string `json:"executionId"`
	Environment string `json:"environment"`
	URL         string `json:"url"`
	Status      string `json:"status"`
	// Payload is the JSON body POSTed; only a single delivery shows it.
	Payload       json.RawMessage   `json:"payload,omitempty"`
	AttemptCount  int               `json:"attemptCount"`
	NextAttemptAt *time.Time        `json:"nextAttemptAt,omitempty"`
	LastError     string            `json:"lastError,omitempty"`
	CreatedAt     time.Time         `json:"createdAt"`
	DeliveredAt   *time.Time        `json:"deliveredAt,omitempty"`
	Attempts      []DeliveryAttempt `json:"attempts,omitempty"`
}

// DeliveryAttempt is one POST of a delivery.
type DeliveryAttempt struct {
	At         time.Time `json:"at"`
	HTTPStatus int       `json:"httpStatus,omitempty"`
	Error      string    `json:"error,omitempty"`
	DurationMS float64   `json:"durationMs"`
}
