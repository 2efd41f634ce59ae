package ratelimit

import "time"

// gcra is the arithmetic of one GCRA decision, shared by the local and the
// Redis limiters (the Lua script mirrors it). tat is the key's theoretical
// arrival time (zero when unknown); it returns the decision and the new tat
// to store when the request is admitted.
func gcra(now, tat time.Duration, l Limit) (Decision, time.Duration) {
	t := l.interval()
	capacity := t * time.Duration(l.burst())
	if tat < now {
		tat = now
	}
	next := tat + t
	allowAt := next - capacity
	d := Decision{Limit: l.burst()}
	if now < allowAt {
		d.RetryAfter = allowAt - now
		d.ResetAfter = tat - now
		return d, tat
	}
	d.Allowed = true
	d.Remaining = int((now - allowAt) / t)
	d.ResetAfter = next - now
	return d, next
}
