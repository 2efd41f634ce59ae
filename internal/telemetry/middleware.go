package telemetry

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/telemetry/route"
)

// MetricsPath is where both planes serve their metrics.
const MetricsPath = "/metrics"

// HTTPConfig configures Middleware.
type HTTPConfig struct {
	// Metrics counts the requests (required). Its registry is served at
	// MetricsPath, ahead of everything the wrapped handler serves, so that
	// nothing deployed can shadow it.
	Metrics *Metrics
	// Collector, when set, receives every request for the live aggregates
	// (the runtime's; health checks and /metrics are left out).
	Collector *Collector
	// AccessLog, when set, gets one line per request at level Info.
	AccessLog *slog.Logger
	// Tracer, when set, starts a server span per request, continuing the
	// caller's W3C traceparent.
	Tracer trace.Tracer
}

// Middleware returns next with metrics, aggregates, access log and tracing.
// It learns what served a request from the route package (set by the
// endpoints) or, failing that, from the ServeMux pattern that matched:
// never from the raw path, which would make one series per URL.
func Middleware(next http.Handler, cfg HTTPConfig) http.Handler {
	metrics := cfg.Metrics.Handler()
	prop := propagation.TraceContext{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == MetricsPath {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				http.Error(w, r.Method+" is not allowed on "+MetricsPath, http.StatusMethodNotAllowed)
				return
			}
			metrics.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		// The server may have attached the request's Info already
		// (route.Attach): then the request need not be copied.
		ctx := r.Context()
		info := route.From(ctx)
		newContext := info == nil
		if newContext {
			ctx, info = route.With(ctx)
		}
		var span trace.Span
		if cfg.Tracer != nil {
			ctx = prop.Extract(ctx, propagation.HeaderCarrier(r.Header))
			ctx, span = cfg.Tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path)))
			newContext = true
		}
		tw := &trackingWriter{ResponseWriter: w}
		if newContext {
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(tw, r)
		d := time.Since(start)
		status := tw.status
		if status == 0 {
			status = http.StatusOK
		}
		endpoint, aggregate := info.Endpoint, true
		if endpoint == "" {
			switch {
			case r.Pattern != "" && r.Pattern != "/":
				endpoint = r.Pattern
			case r.URL.Path == "/healthz" || r.URL.Path == "/readyz":
				endpoint, aggregate = r.URL.Path, false
			default:
				endpoint = "unmatched"
			}
		}
		cfg.Metrics.Endpoint(info.API, endpoint).Observe(status, d)
		switch {
		case status == http.StatusTooManyRequests:
			cfg.Metrics.Refused(info.API, "rate")
		case status == http.StatusServiceUnavailable && info.API != "":
			cfg.Metrics.Refused(info.API, "overloaded")
		}
		if cfg.Collector != nil && aggregate {
			cfg.Collector.Observe(model.MetricsKey{API: info.API, Endpoint: endpoint, Process: info.Process}, status, d)
		}
		if span != nil {
			name := endpoint
			if !strings.HasPrefix(name, r.Method+" ") {
				name = r.Method + " " + name
			}
			span.SetName(name)
			span.SetAttributes(attribute.String("http.route", endpoint), attribute.Int("http.response.status_code", status))
			if info.API != "" {
				span.SetAttributes(attribute.String("portico.api", info.API))
			}
			if id := tw.Header().Get("X-Execution-Id"); id != "" {
				span.SetAttributes(attribute.String("portico.execution_id", id))
			}
			if status >= 500 {
				span.SetStatus(codes.Error, http.StatusText(status))
			}
			span.End()
		}
		if cfg.AccessLog != nil {
			cfg.AccessLog.LogAttrs(ctx, slog.LevelInfo, "request",
				slog.String("method", r.Method), slog.String("api", info.API), slog.String("route", endpoint),
				slog.Int("status", status), slog.Duration("duration", d), slog.Int64("bytes", tw.bytes),
				slog.String("execution_id", tw.Header().Get("X-Execution-Id")))
		}
	})
}

// trackingWriter notes the status and the bytes of an answer.
type trackingWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (t *trackingWriter) WriteHeader(code int) {
	if t.status == 0 && code >= 200 {
		t.status = code
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	n, err := t.ResponseWriter.Write(b)
	t.bytes += int64(n)
	return n, err
}

// Flush passes flushes on (streamed answers, server-sent events).
func (t *trackingWriter) Flush() {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }
