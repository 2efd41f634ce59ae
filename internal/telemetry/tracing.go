package telemetry

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
)

// Tracing is a process's OpenTelemetry tracer provider. It is its own (the
// global provider is left alone), and exports over OTLP/HTTP only when an
// endpoint is configured.
type Tracing struct {
	provider *sdktrace.TracerProvider
}

// NewTracing returns tracing that exports to the OTLP/HTTP endpoint (a URL
// such as http://collector:4318, or host:port). Exporter nil and endpoint ""
// means no tracing at all: NewTracing returns nil, and a nil *Tracing is
// valid and traces nothing. Tests pass an exporter (tracetest).
func NewTracing(ctx context.Context, service, endpoint string, exporter sdktrace.SpanExporter) (*Tracing, error) {
	if exporter == nil {
		if endpoint == "" {
			return nil, nil
		}
		opts := []otlptracehttp.Option{}
		if strings.Contains(endpoint, "://") {
			opts = append(opts, otlptracehttp.WithEndpointURL(endpoint))
		} else {
			opts = append(opts, otlptracehttp.WithEndpoint(endpoint), otlptracehttp.WithInsecure())
		}
		exp, err := otlptracehttp.New(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("OTLP exporter for %s: %w", endpoint, err)
		}
		exporter = exp
	}
	res := resource.NewSchemaless(semconv.ServiceName(service))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	return &Tracing{provider: tp}, nil
}

// Tracer returns the tracer of the process, nil when tracing is off.
func (t *Tracing) Tracer() trace.Tracer {
	if t == nil {
		return nil
	}
	return t.provider.Tracer("github.com/portico-dev/portico")
}

// Shutdown flushes the spans still buffered.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.provider.Shutdown(ctx)
}

// ForceFlush exports the buffered spans now (tests).
func (t *Tracing) ForceFlush(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.provider.ForceFlush(ctx)
}

// InjectTraceparent writes the W3C traceparent of ctx's span into h, so
// that an outgoing call continues the trace. It does nothing outside a
// sampled span.
func InjectTraceparent(ctx context.Context, h http.Header) {
	propagation.TraceContext{}.Inject(ctx, propagation.HeaderCarrier(h))
}
