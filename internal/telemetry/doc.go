// Package telemetry watches Portico at work: Prometheus metrics on an own
// registry per process (Metrics), the HTTP middleware that labels requests
// by API and endpoint (Middleware), an execution-recorder decorator counting
// executions by status and mode (Recorder), OpenTelemetry tracing
// (Tracing), and the live aggregates: per-second blocks of count, errors
// and a mergeable latency sketch (Collector on a runtime, Hub on the control
// plane). docs/monitoring.md describes what a user sees.
package telemetry
