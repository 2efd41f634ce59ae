package cli

import "runtime/debug"

// defaultGCPercent is the garbage collector's target for serve and runtime
// when GOGC is not set. A request allocates a few kilobytes that die with
// it, and the live heap of a runtime is small (its snapshot and pools), so
// collecting less often trades little memory for throughput: measured with
// bench/pg-wrk.sh, GET by id went from 0.49× to 0.51× pgbench's rate.
const defaultGCPercent = 400

// tuneGC applies defaultGCPercent unless the user set GOGC (which Go
// itself reads; GOMEMLIMIT still caps the heap when set).
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
