package model

import "time"

// MetricsKey names what a block of live aggregates counts: one endpoint of
// one API and the process behind it. Empty fields mean "not known" (a
// request no endpoint matched, an endpoint without a process).
type MetricsKey struct {
	API      string `json:"api,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
	Process  string `json:"process,omitempty"`
}

// MetricsErrors counts the failed requests of a block by status class.
type MetricsErrors struct {
	Client int64 `json:"4xx"`
	Server int64 `json:"5xx"`
}

// Total is the number of failed requests.
func (e MetricsErrors) Total() int64 { return e.Client + e.Server }

// MetricsBlock is one second of one key as a runtime reports it: counts and
// a latency sketch whose buckets merge across runtimes by addition (the
// bucket bounds are fixed, docs/monitoring.md).
type MetricsBlock struct {
	MetricsKey
	// Start is the first instant of the block (a whole second, UTC).
	Start  time.Time     `json:"start"`
	Count  int64         `json:"count"`
	Errors MetricsErrors `json:"errors"`
	// MaxMS is the slowest request of the block, in milliseconds.
	MaxMS float64 `json:"maxMs"`
	// Buckets are the latency sketch's counts, up to the last non-zero one.
	Buckets []int64 `json:"buckets,omitempty"`
}

// MetricsReport is what a runtime sends every second
// (POST /api/v1/metrics/report): its completed one-second blocks.
type MetricsReport struct {
	Environment string         `json:"environment"`
	Runtime     string         `json:"runtime,omitempty"`
	Blocks      []MetricsBlock `json:"blocks"`
}

// MaxMetricsBlocks bounds the blocks of one report.
const MaxMetricsBlocks = 5000

// Validate checks a report a runtime sends.
func (m *MetricsReport) Validate() error {
	var e errs
	if !ValidName(m.Environment) {
		e.add("environment", "%q is not an environment name", m.Environment)
	}
	if len(m.Blocks) > MaxMetricsBlocks {
		e.add("blocks", "at most %d blocks per report, not %d", MaxMetricsBlocks, len(m.Blocks))
	}
	for i, b := range m.Blocks {
		switch {
		case b.Start.IsZero():
			e.add("blocks", "block %d: start is required", i)
		case b.Count < 0 || b.Errors.Client < 0 || b.Errors.Server < 0 || b.Errors.Total() > b.Count:
			e.add("blocks", "block %d: counts must be non-negative and errors at most count", i)
		case len(b.Buckets) > 256:
			e.add("blocks", "block %d: at most 256 latency buckets", i)
		case len(b.API) > 200 || len(b.Endpoint) > 500 || len(b.Process) > 200:
			e.add("blocks", "block %d: api, endpoint or process name too long", i)
		}
	}
	return e.err()
}

// MetricsSummary is one block of GET /api/v1/metrics/summary or of an event
// of GET /api/v1/metrics/live: counts and percentiles read from the merged
// sketch of every runtime of the environment.
type MetricsSummary struct {
	MetricsKey
	Start     time.Time     `json:"start"`
	Count     int64         `json:"count"`
	Errors    MetricsErrors `json:"errors"`
	ErrorRate float64       `json:"errorRate"` // errors / count, 0 when count is 0
	P50MS     float64       `json:"p50Ms"`
	P95MS     float64       `json:"p95Ms"`
	P99MS     float64       `json:"p99Ms"`
	MaxMS     float64       `json:"maxMs"`
}

// MetricsSummaryAnswer is the answer of GET /api/v1/metrics/summary.
type MetricsSummaryAnswer struct {
	Environment string           `json:"environment"`
	Resolution  string           `json:"resolution"` // 1s | 1m
	Blocks      []MetricsSummary `json:"blocks"`
}

// MetricsLiveEvent is one event of GET /api/v1/metrics/live: the second
// that just ended, in total and per API.
type MetricsLiveEvent struct {
	Environment string           `json:"environment"`
	Start       time.Time        `json:"start"`
	Total       MetricsSummary   `json:"total"`
	APIs        []MetricsSummary `json:"apis"`
}
