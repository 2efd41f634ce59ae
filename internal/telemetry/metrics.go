package telemetry

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/portico-dev/portico/internal/model"
)

// Plane names the process a Metrics describes; it prefixes the series.
type Plane string

// The two planes.
const (
	Runtime      Plane = "runtime"
	ControlPlane Plane = "controlplane"
)

// latencyBuckets are the bounds, in seconds, of the latency histograms.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// statusClasses are the label values of a status, indexed by status/100.
var statusClasses = [...]string{"0xx", "1xx", "2xx", "3xx", "4xx", "5xx"}

// StatusClass returns "2xx", "4xx", ... for an HTTP status.
func StatusClass(status int) string {
	c := status / 100
	if c < 1 || c >= len(statusClasses) {
		return "0xx"
	}
	return statusClasses[c]
}

// Metrics is the Prometheus registry of one process, with its series. Every
// process has its own (no global default registry), so two planes in one
// process, or tests in parallel, never share counters.
//
// The hooks PoolFigures, RateLimited and UpstreamUp are for the parts that
// have such figures (worker pools, rate limits, proxies): they call them,
// and the series appear.
type Metrics struct {
	plane    Plane
	reg      *prometheus.Registry
	requests *prometheus.CounterVec   // api, endpoint, class
	latency  *prometheus.HistogramVec // api, endpoint
	execs    *prometheus.CounterVec   // status, mode
	pool     *prometheus.GaugeVec     // pool, figure
	refused  *prometheus.CounterVec   // api, reason
	upstream *prometheus.GaugeVec     // upstream
	shared   prometheus.Counter       // failures of the shared limits store

	series sync.Map // endpointKey → *EndpointSeries
	// execByStatus holds the execution counters resolved at construction:
	// status → [general, low-latency]. It is read-only afterwards.
	execByStatus map[string][2]prometheus.Counter
}

type endpointKey struct{ api, endpoint string }

// NewMetrics returns the metrics of a process of the given plane, with the
// Go runtime and process collectors registered.
func NewMetrics(plane Plane) *Metrics {
	ns := "portico_" + string(plane)
	m := &Metrics{plane: plane, reg: prometheus.NewRegistry()}
	labels := []string{"api", "endpoint", "status_class"}
	help := "Requests served, by API, endpoint (route pattern) and status class."
	if plane == ControlPlane {
		help = "Platform API requests, by route pattern and status class (api is empty)."
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "requests_total", Help: help}, labels)
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "request_duration_seconds",
		Help: "Time from the request's arrival to the end of its answer, by API and endpoint.", Buckets: latencyBuckets},
		[]string{"api", "endpoint"})
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if plane == Runtime {
		m.execs = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "executions_total",
			Help: "Process executions, by status (COMPLETE, ERROR, ...) and mode (general, low-latency)."}, []string{"status", "mode"})
		m.pool = prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "pool",
			Help: "Worker pool figures (busy, idle, queued, size), by pool."}, []string{"pool", "figure"})
		m.refused = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "refused_total",
			Help: "Requests refused before they ran, by API and reason (rate: a rate limit or quota, 429; overloaded: a full worker pool or limits that cannot be checked, 503)."}, []string{"api", "reason"})
		m.upstream = prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "upstream_up",
			Help: "1 when an upstream answers its health checks, 0 when not."}, []string{"upstream"})
		m.shared = prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "shared_limits_failures_total",
			Help: "Checks the shared rate-limit store (Redis) failed; each was counted locally or refused, as the environment says."})
		m.reg.MustRegister(m.execs, m.pool, m.refused, m.upstream, m.shared)
		m.execByStatus = map[string][2]prometheus.Counter{}
		for _, st := range model.ExecutionStatuses {
			m.execByStatus[st] = [2]prometheus.Counter{
				m.execs.WithLabelValues(st, model.ModeGeneral), m.execs.WithLabelValues(st, model.ModeLowLatency)}
		}
	}
	return m
}

// Registry is the registry, for registering more collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// EndpointSeries are the series of one endpoint with their label values
// resolved, so that counting a request is a few atomic additions.
type EndpointSeries struct {
	byClass [len(statusClasses)]prometheus.Counter
	latency prometheus.Observer
}

// Endpoint returns the series of (api, endpoint), resolved once and then
// read from a lock-free map. A compiler may call it at compile time and keep
// the result.
func (m *Metrics) Endpoint(api, endpoint string) *EndpointSeries {
	k := endpointKey{api, endpoint}
	if v, ok := m.series.Load(k); ok {
		return v.(*EndpointSeries)
	}
	s := &EndpointSeries{latency: m.latency.WithLabelValues(api, endpoint)}
	for i, c := range statusClasses {
		s.byClass[i] = m.requests.WithLabelValues(api, endpoint, c)
	}
	v, _ := m.series.LoadOrStore(k, s)
	return v.(*EndpointSeries)
}

// Observe counts one request.
func (s *EndpointSeries) Observe(status int, d time.Duration) {
	c := status / 100
	if c < 1 || c >= len(statusClasses) {
		c = 0
	}
	s.byClass[c].Inc()
	s.latency.Observe(d.Seconds())
}

// Execution counts one execution by status and mode.
func (m *Metrics) Execution(status, mode string) {
	if m.execs == nil {
		return
	}
	i := 0
	if mode == model.ModeLowLatency {
		i = 1
	}
	if c, ok := m.execByStatus[status]; ok {
		c[i].Inc()
		return
	}
	m.execs.WithLabelValues(status, mode).Inc()
}

// PoolFigures sets a worker pool's figures (a hook for the execution pool).
func (m *Metrics) PoolFigures(pool string, busy, idle, queued, size int) {
	if m.pool == nil {
		return
	}
	for f, v := range map[string]int{"busy": busy, "idle": idle, "queued": queued, "size": size} {
		m.pool.WithLabelValues(pool, f).Set(float64(v))
	}
}

// Refused counts a request refused before it ran: reason is rate, quota or
// queue_full (a hook for rate limits and pools).
func (m *Metrics) Refused(api, reason string) {
	if m.refused != nil {
		m.refused.WithLabelValues(api, reason).Inc()
	}
}

// SharedLimitsFailed counts a failed check of the shared limits store.
func (m *Metrics) SharedLimitsFailed() {
	if m.shared != nil {
		m.shared.Inc()
	}
}

// UpstreamUp sets an upstream's health (a hook for proxies).
func (m *Metrics) UpstreamUp(upstream string, up bool) {
	if m.upstream == nil {
		return
	}
	v := 0.0
	if up {
		v = 1
	}
	m.upstream.WithLabelValues(upstream).Set(v)
}
