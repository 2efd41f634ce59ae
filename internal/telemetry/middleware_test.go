package telemetry

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/telemetry/route"
)

// backend stands for a snapshot's handler: a mux whose endpoint labels the
// request, like the compiled endpoints do.
func backend() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/rest/erp/v1/customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		route.Set(r.Context(), "erp", "GET /customers/{id}", "getCustomer")
		w.Header().Set("X-Execution-Id", "exec-"+r.PathValue("id"))
		if r.PathValue("id") == "0" {
			http.Error(w, "no such customer", http.StatusNotFound)
			return
		}
		_, _ = io.WriteString(w, `{"id":1}`)
	})
	mux.HandleFunc("GET /ws/plain/{x}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	})
	return mux
}

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, MetricsPath, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d", rec.Code)
	}
	return rec.Body.String()
}

func TestMetricsExpositionAfterRequests(t *testing.T) {
	m := NewMetrics(Runtime)
	col := NewCollector(nil)
	var logBuf bytes.Buffer
	h := Middleware(backend(), HTTPConfig{Metrics: m, Collector: col, AccessLog: slog.New(slog.NewJSONHandler(&logBuf, nil))})
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, p := range []string{"/ws/rest/erp/v1/customers/1", "/ws/rest/erp/v1/customers/2", "/ws/rest/erp/v1/customers/0", "/ws/plain/a", "/ws/plain/b", "/nowhere/x1", "/nowhere/x2"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	rec := WrapRecorder(nopRecorder{}, m)
	rec.Record(&model.Execution{Status: model.ExecComplete, Mode: model.ModeGeneral})
	rec.CountLowLatency(time.Millisecond, true)

	body := scrape(t, h)
	for _, want := range []string{
		`portico_runtime_requests_total{api="erp",endpoint="GET /customers/{id}",status_class="2xx"} 2`,
		`portico_runtime_requests_total{api="erp",endpoint="GET /customers/{id}",status_class="4xx"} 1`,
		`portico_runtime_requests_total{api="",endpoint="GET /ws/plain/{x}",status_class="5xx"} 2`,
		`portico_runtime_requests_total{api="",endpoint="unmatched",status_class="4xx"} 2`,
		`portico_runtime_request_duration_seconds_count{api="erp",endpoint="GET /customers/{id}"} 3`,
		`portico_runtime_executions_total{mode="general",status="COMPLETE"} 1`,
		`portico_runtime_executions_total{mode="low-latency",status="ERROR"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// The raw paths never become label values.
	for _, raw := range []string{"customers/1", "/ws/plain/a", "x1"} {
		if strings.Contains(body, raw) {
			t.Errorf("/metrics holds the raw path %q", raw)
		}
	}
	// The access log has one line per request, with route and execution id.
	lines := strings.Split(strings.TrimSpace(logBuf.String()), "\n")
	if len(lines) != 7 {
		t.Fatalf("%d access-log lines, want 7:\n%s", len(lines), logBuf.String())
	}
	if !strings.Contains(lines[0], `"route":"GET /customers/{id}"`) || !strings.Contains(lines[0], `"execution_id":"exec-1"`) || !strings.Contains(lines[0], `"status":200`) {
		t.Errorf("access-log line: %s", lines[0])
	}
	// A later second takes the collector's block: 7 requests, 3 keys.
	col.now = func() time.Time { return time.Now().Add(2 * time.Second) }
	var n int64
	for _, b := range col.Take() {
		n += b.Count
	}
	if n != 7 {
		t.Errorf("the collector counted %d requests, want 7", n)
	}
}

type nopRecorder struct{}

func (nopRecorder) Record(*model.Execution)             {}
func (nopRecorder) CountLowLatency(time.Duration, bool) {}

func TestMetricsPathCannotBeShadowed(t *testing.T) {
	shadow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "a proxy")
	})
	h := Middleware(shadow, HTTPConfig{Metrics: NewMetrics(Runtime)})
	if body := scrape(t, h); !strings.Contains(body, "portico_runtime_requests_total") && !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics served by the wrapped handler: %q", body)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, MetricsPath, nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /metrics: %d, want 405", rec.Code)
	}
}

func TestTracingContinuesTheCallersTrace(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tr, err := NewTracing(context.Background(), "test", "", exp)
	if err != nil {
		t.Fatal(err)
	}
	var outgoing http.Header
	inner := http.NewServeMux()
	inner.HandleFunc("GET /ws/rest/erp/v1/customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		route.Set(r.Context(), "erp", "GET /customers/{id}", "getCustomer")
		outgoing = http.Header{}
		InjectTraceparent(r.Context(), outgoing) // what an http step does
	})
	h := Middleware(inner, HTTPConfig{Metrics: NewMetrics(Runtime), Tracer: tr.Tracer()})
	req := httptest.NewRequest(http.MethodGet, "/ws/rest/erp/v1/customers/7", nil)
	const traceID, parent = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	req.Header.Set("traceparent", "00-"+traceID+"-"+parent+"-01")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if err := tr.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := exp.GetSpans()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1", len(spans))
	}
	s := spans[0]
	if s.Name != "GET /customers/{id}" {
		t.Errorf("span name %q", s.Name)
	}
	if s.SpanContext.TraceID().String() != traceID || s.Parent.SpanID().String() != parent {
		t.Errorf("span trace %s parent %s, want the caller's %s / %s", s.SpanContext.TraceID(), s.Parent.SpanID(), traceID, parent)
	}
	tp := outgoing.Get("traceparent")
	if !strings.Contains(tp, traceID) || !strings.Contains(tp, s.SpanContext.SpanID().String()) {
		t.Errorf("outgoing traceparent %q does not continue trace %s from span %s", tp, traceID, s.SpanContext.SpanID())
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if off, err := NewTracing(context.Background(), "test", "", nil); err != nil || off != nil || off.Tracer() != nil {
		t.Errorf("no endpoint: tracing %v, %v; want off", off, err)
	}
}

// BenchmarkMiddleware measures what the telemetry adds to a request: the
// route slot, the status and byte counts, the Prometheus series and the
// live aggregate (no access log, no tracing).
func BenchmarkMiddleware(b *testing.B) {
	m := NewMetrics(Runtime)
	inner := backend()
	h := Middleware(inner, HTTPConfig{Metrics: m, Collector: NewCollector(nil)})
	req := httptest.NewRequest(http.MethodGet, "/ws/rest/erp/v1/customers/1", nil)
	b.Run("bare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			inner.ServeHTTP(discard{}, req)
		}
	})
	b.Run("telemetry", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(discard{}, req)
		}
	})
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

func TestRefusalsAndSharedLimitFailuresAreCounted(t *testing.T) {
	m := NewMetrics(Runtime)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/rest/erp/v1/limited", func(w http.ResponseWriter, r *http.Request) {
		route.Set(r.Context(), "erp", "GET /limited", "p")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	mux.HandleFunc("GET /ws/rest/erp/v1/busy", func(w http.ResponseWriter, r *http.Request) {
		route.Set(r.Context(), "erp", "GET /busy", "p")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	h := Middleware(mux, HTTPConfig{Metrics: m})
	for _, p := range []string{"/ws/rest/erp/v1/limited", "/ws/rest/erp/v1/limited", "/ws/rest/erp/v1/busy"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
	}
	m.SharedLimitsFailed()
	m.PoolFigures("pool:erp", 3, 1, 2, 4)
	body := scrape(t, h)
	for _, want := range []string{
		`portico_runtime_refused_total{api="erp",reason="rate"} 2`,
		`portico_runtime_refused_total{api="erp",reason="overloaded"} 1`,
		`portico_runtime_shared_limits_failures_total 1`,
		`portico_runtime_pool{figure="queued",pool="pool:erp"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s in the exposition", want)
		}
	}
}

// TestAttachedInfoSparesTheRequestCopy: a request whose server attached its
// Info (route.Attach, as the runtime's lean loop does) reaches the handler
// as it came, and is still counted under its route; one without gets an
// Info of its own. Both paths count the same.
func TestAttachedInfoSparesTheRequestCopy(t *testing.T) {
	m := NewMetrics(Runtime)
	col := NewCollector(nil)
	var got []*http.Request
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/rest/erp/v1/customers/{id}", func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r)
		route.Set(r.Context(), "erp", "GET /customers/{id}", "getCustomer")
		_, _ = io.WriteString(w, `{"id":1}`)
	})
	h := Middleware(mux, HTTPConfig{Metrics: m, Collector: col})

	attached := httptest.NewRequest(http.MethodGet, "/ws/rest/erp/v1/customers/1", nil)
	attached = attached.WithContext(route.Attach(attached.Context()))
	plain := httptest.NewRequest(http.MethodGet, "/ws/rest/erp/v1/customers/2", nil)
	for _, r := range []*http.Request{attached, plain} {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if len(got) != 2 {
		t.Fatalf("the handler ran %d times", len(got))
	}
	// ServeMux copies a request only to set its pattern values; compare
	// the context, which the middleware would have replaced.
	if got[0].Context() != attached.Context() {
		t.Error("the request with an attached Info was copied with a new context")
	}
	if got[1].Context() == plain.Context() || route.From(got[1].Context()) == nil {
		t.Error("the request without an Info got none")
	}
	if info := route.From(attached.Context()); info.API != "erp" || info.Endpoint != "GET /customers/{id}" {
		t.Errorf("the attached Info = %+v", info)
	}
	if out := scrape(t, h); !strings.Contains(out, `portico_runtime_requests_total{api="erp",endpoint="GET /customers/{id}",status_class="2xx"} 2`) {
		t.Errorf("the two requests are not both counted under their route:\n%s", out)
	}
}
