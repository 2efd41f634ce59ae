package cli

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/runtime/compile"
	"github.com/portico-dev/portico/internal/telemetry"
)

// telemetryFlags are the monitoring flags of serve, quickstart and runtime.
type telemetryFlags struct {
	accessLog    bool
	otlpEndpoint string
}

func addTelemetryFlags(cmd *cobra.Command, e *env) *telemetryFlags {
	t := &telemetryFlags{}
	f := cmd.Flags()
	f.BoolVar(&t.accessLog, "access-log", e.getenv("PORTICO_ACCESS_LOG") == "true", "log one line per request: method, route, status, duration, bytes, execution id (env PORTICO_ACCESS_LOG=true)")
	f.StringVar(&t.otlpEndpoint, "otlp-endpoint", e.getenv("OTEL_EXPORTER_OTLP_ENDPOINT"), "export traces over OTLP/HTTP to this collector, e.g. http://127.0.0.1:4318 (env OTEL_EXPORTER_OTLP_ENDPOINT; default: no tracing)")
	return t
}

// planeTelemetry is the monitoring of one plane of this process: its own
// metrics registry, tracing, and (for a runtime) the live aggregates.
type planeTelemetry struct {
	metrics   *telemetry.Metrics
	tracing   *telemetry.Tracing
	collector *telemetry.Collector
	accessLog *slog.Logger
}

func newPlaneTelemetry(ctx context.Context, plane telemetry.Plane, t *telemetryFlags, logger *slog.Logger) (*planeTelemetry, error) {
	if t == nil {
		t = &telemetryFlags{}
	}
	tr, err := telemetry.NewTracing(ctx, "portico-"+string(plane), t.otlpEndpoint, nil)
	if err != nil {
		return nil, usagef("--otlp-endpoint: %v", err)
	}
	pt := &planeTelemetry{metrics: telemetry.NewMetrics(plane), tracing: tr}
	if plane == telemetry.Runtime {
		pt.collector = telemetry.NewCollector(nil)
	}
	if t.accessLog {
		pt.accessLog = logger.With("log", "access", "plane", string(plane))
	}
	return pt, nil
}

// wrap is the plane's HTTP middleware.
func (pt *planeTelemetry) wrap(h http.Handler) http.Handler {
	return telemetry.Middleware(h, telemetry.HTTPConfig{Metrics: pt.metrics, Collector: pt.collector,
		AccessLog: pt.accessLog, Tracer: pt.tracing.Tracer()})
}

// recorder counts executions into the metrics before rec takes them.
func (pt *planeTelemetry) recorder(rec telemetry.ExecutionRecorder) *telemetry.Recorder {
	return telemetry.WrapRecorder(rec, pt.metrics)
}

// reporter sends the runtime's live aggregates to the control plane.
func (pt *planeTelemetry) reporter(s telemetry.ReportSender, env, id string, logger *slog.Logger) *telemetry.Reporter {
	return &telemetry.Reporter{Collector: pt.collector, Sender: s, Environment: env, Runtime: id, Log: logger}
}

// poolFiguresInterval is how often worker pool figures reach the metrics.
const poolFiguresInterval = 5 * time.Second

// watchPools copies the worker pools' figures into the metrics every
// interval until ctx ends.
func (pt *planeTelemetry) watchPools(ctx context.Context, comp *compile.Compiler, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for _, s := range comp.PoolStats() {
			pt.metrics.PoolFigures(s.Name, int(s.Running), s.MaxRunning-int(s.Running), int(s.Queued), s.MaxRunning)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sharedFailed counts a failed check of the shared limits store.
func (pt *planeTelemetry) sharedFailed(error) { pt.metrics.SharedLimitsFailed() }

// close flushes the spans still buffered.
func (pt *planeTelemetry) close(logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := pt.tracing.Shutdown(ctx); err != nil {
		logger.Warn("traces were lost at shutdown", "err", err)
	}
}

// hubSender hands an embedded runtime's reports to the control plane's hub
// in-process, like storeSink does with execution records.
type hubSender struct{ hub *telemetry.Hub }

// ReportMetrics implements telemetry.ReportSender.
func (h hubSender) ReportMetrics(ctx context.Context, rep *model.MetricsReport) error {
	return h.hub.Ingest(ctx, rep)
}
