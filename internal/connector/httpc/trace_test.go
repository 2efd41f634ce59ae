package httpc

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/portico-dev/portico/internal/model"
)

// TestNewRequestContinuesTheTrace: an http step called while a span is
// under way sends the W3C traceparent of that span; without one, none.
func TestNewRequestContinuesTheTrace(t *testing.T) {
	c, err := New(&model.HTTPConnection{BaseURL: "http://api.test/v1"})
	if err != nil {
		t.Fatal(err)
	}
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
	req, err := c.NewRequest(ctx, "GET", "users", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := req.Header.Get("traceparent"), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"; got != want {
		t.Errorf("traceparent %q, want %q", got, want)
	}
	req, err = c.NewRequest(context.Background(), "GET", "users", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("traceparent"); got != "" {
		t.Errorf("traceparent %q outside any trace", got)
	}
}
