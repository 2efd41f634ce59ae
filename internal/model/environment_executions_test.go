package model

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestExecutionSettingsValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		s    ExecutionSettings
		path string // "" when valid
	}{
		{"empty", ExecutionSettings{}, ""},
		{"full", ExecutionSettings{MaxWaitMS: 30000, ResultRetention: "48h", ResultMaxBytes: 1024, WebhookSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
			CallbackHosts: []string{"hooks.example.com", "*.partner.example", "*", "10.0.0.1", "[::1]"}, DeliveryHorizon: "6h", PlatformURL: "https://cp.example.com"}, ""},
		{"redacted secret", ExecutionSettings{WebhookSecret: RedactedSecret}, ""},
		{"max wait", ExecutionSettings{MaxWaitMS: MaxMaxWaitMS + 1}, "spec.executions.maxWaitMs"},
		{"negative max wait", ExecutionSettings{MaxWaitMS: -1}, "spec.executions.maxWaitMs"},
		{"result size", ExecutionSettings{ResultMaxBytes: MaxResultBytes + 1}, "spec.executions.resultMaxBytes"},
		{"retention", ExecutionSettings{ResultRetention: "a day"}, "spec.executions.resultRetention"},
		{"horizon", ExecutionSettings{DeliveryHorizon: "-1h"}, "spec.executions.deliveryHorizon"},
		{"secret prefix", ExecutionSettings{WebhookSecret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "spec.executions.webhookSecret"},
		{"secret short", ExecutionSettings{WebhookSecret: "whsec_c2hvcnQ="}, "spec.executions.webhookSecret"},
		{"host with port", ExecutionSettings{CallbackHosts: []string{"hooks.example.com:443"}}, "spec.executions.callbackHosts[0]"},
		{"host with path", ExecutionSettings{CallbackHosts: []string{"ok.example", "https://hooks.example.com/"}}, "spec.executions.callbackHosts[1]"},
		{"platform url", ExecutionSettings{PlatformURL: "cp.example.com"}, "spec.executions.platformURL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := &Environment{Name: "dev", Spec: EnvironmentSpec{Executions: &tt.s}}
			err := env.Validate()
			if tt.path == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Path != tt.path {
				t.Fatalf("Validate = %v, want one error at %s", err, tt.path)
			}
		})
	}
}

func TestExecutionSettingsDefaults(t *testing.T) {
	t.Parallel()
	var none *ExecutionSettings
	if none.MaxWait() != time.Minute || none.Retention() != 24*time.Hour || none.ResultLimit() != 1<<20 || none.Horizon() != 24*time.Hour || none.WebhookKey() != nil {
		t.Errorf("defaults of nil settings: %v %v %v %v", none.MaxWait(), none.Retention(), none.ResultLimit(), none.Horizon())
	}
	s := &ExecutionSettings{MaxWaitMS: 1500, ResultRetention: "2h", ResultMaxBytes: 10, DeliveryHorizon: "3h", WebhookSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
	if s.MaxWait() != 1500*time.Millisecond || s.Retention() != 2*time.Hour || s.ResultLimit() != 10 || s.Horizon() != 3*time.Hour || len(s.WebhookKey()) != 24 {
		t.Errorf("settings: %v %v %v %v %d", s.MaxWait(), s.Retention(), s.ResultLimit(), s.Horizon(), len(s.WebhookKey()))
	}
	red := RedactEnvironmentSpec(EnvironmentSpec{Executions: s})
	if red.Executions.WebhookSecret != RedactedSecret || s.WebhookSecret == RedactedSecret {
		t.Errorf("redaction: %q, original %q", red.Executions.WebhookSecret, s.WebhookSecret)
	}
}

func TestEndpointAsyncValidate(t *testing.T) {
	t.Parallel()
	api := func(a *EndpointAsync) *APISpec {
		return &APISpec{BasePath: "jobs", Version: "v1", Endpoints: []Endpoint{{Method: "POST", Path: "/run", Process: "job", Async: a}}}
	}
	for _, a := range []*EndpointAsync{nil, {}, {Webhook: "https://hooks.example.com/x"}} {
		if err := api(a).Validate(); err != nil {
			t.Errorf("%+v: %v", a, err)
		}
	}
	err := api(&EndpointAsync{Webhook: "hooks.example.com/x"}).Validate()
	if err == nil || !strings.Contains(err.Error(), "spec.endpoints[0].async.webhook") {
		t.Errorf("relative webhook: %v", err)
	}
}

func TestQueueLease(t *testing.T) {
	var none *ExecutionSettings
	if none.Lease() != DefaultQueueLease || (&ExecutionSettings{}).Lease() != DefaultQueueLease {
		t.Errorf("default lease = %s, want %s", none.Lease(), DefaultQueueLease)
	}
	if got := (&ExecutionSettings{QueueLease: "2s"}).Lease(); got != 2*time.Second {
		t.Errorf("lease 2s = %s", got)
	}
	for _, bad := range []string{"500ms", "2h", "soon", "-1s"} {
		env := &Environment{Name: "dev", Spec: EnvironmentSpec{Executions: &ExecutionSettings{QueueLease: bad}}}
		if err := env.Validate(); err == nil || !strings.Contains(err.Error(), "queueLease") {
			t.Errorf("queueLease %q: %v, want an error naming queueLease", bad, err)
		}
	}
}

func TestQueuedExecutionValidate(t *testing.T) {
	ok := QueuedExecution{ID: "0195f0a0-1c2d", Environment: "dev", Method: "POST", Path: "/ws/rest/x"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid item: %v", err)
	}
	for name, mut := range map[string]func(q *QueuedExecution){
		"no id":     func(q *QueuedExecution) { q.ID = "" },
		"slash id":  func(q *QueuedExecution) { q.ID = "a/b" },
		"no method": func(q *QueuedExecution) { q.Method = "" },
		"rel path":  func(q *QueuedExecution) { q.Path = "ws/rest" },
		"big body":  func(q *QueuedExecution) { q.Body = make([]byte, MaxQueuedBody+1) },
	} {
		q := ok
		mut(&q)
		if err := q.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}
