// Package ratelimit decides whether a request fits a rate limit or a quota.
// A rate limit is enforced with GCRA (the generic cell rate algorithm): one
// timestamp per key, no timers, exact spacing with a burst. A quota counts
// requests in calendar windows (UTC day, ISO week, month). Both have a local
// implementation for one runtime and a Redis one for a runtime cluster, so
// that several runtimes together admit what one would.
package ratelimit

import (
	"context"
	"fmt"
	"time"
)

// Limit is a rate: Rate requests per Period, of which up to Burst may come
// at once (Rate when Burst is zero).
type Limit struct {
	Rate   int
	Period time.Duration
	Burst  int
}

// PerSecond, PerMinute and PerHour build the usual limits.
func PerSecond(n int) Limit { return Limit{Rate: n, Period: time.Second} }

// PerMinute is n requests a minute.
func PerMinute(n int) Limit { return Limit{Rate: n, Period: time.Minute} }

// PerHour is n requests an hour.
func PerHour(n int) Limit { return Limit{Rate: n, Period: time.Hour} }

// burst is the effective burst.
func (l Limit) burst() int {
	if l.Burst > 0 {
		return l.Burst
	}
	return l.Rate
}

// interval is the spacing of requests at the steady rate.
func (l Limit) interval() time.Duration { return l.Period / time.Duration(l.Rate) }

// Valid reports whether the limit can be enforced.
func (l Limit) Valid() error {
	if l.Rate <= 0 || l.Period <= 0 || l.Burst < 0 {
		return fmt.Errorf("rate limit %d per %s (burst %d): rate and period must be positive", l.Rate, l.Period, l.Burst)
	}
	if l.Period/time.Duration(l.Rate) <= 0 {
		return fmt.Errorf("rate limit %d per %s is finer than a nanosecond", l.Rate, l.Period)
	}
	return nil
}

// Decision is the answer for one request, with what the RateLimit-* and
// Retry-After headers tell the caller.
type Decision struct {
	Allowed bool
	// Limit is the number of requests the window admits (RateLimit-Limit).
	Limit int
	// Remaining is how many more requests would be admitted now.
	Remaining int
	// ResetAfter is when the window is whole again (RateLimit-Reset).
	ResetAfter time.Duration
	// RetryAfter is when a refused request may come back (Retry-After).
	RetryAfter time.Duration
}

// Limiter enforces rate limits, one state per key.
type Limiter interface {
	// Allow counts one request against key under l.
	Allow(ctx context.Context, key string, l Limit) (Decision, error)
}

// Quota is a number of requests per calendar window in UTC.
type Quota struct {
	Max    int64
	Window Window
}

// Window is a calendar period that starts again at a UTC boundary.
type Window string

// The quota windows.
const (
	Day   Window = "day"
	Week  Window = "week" // ISO weeks: Monday 00:00 UTC
	Month Window = "month"
)

// Bounds returns the window holding t: its start and its end.
func (w Window) Bounds(t time.Time) (start, end time.Time, err error) {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch w {
	case Day:
		return day, day.AddDate(0, 0, 1), nil
	case Week:
		back := (int(day.Weekday()) + 6) % 7 // days since Monday
		start = day.AddDate(0, 0, -back)
		return start, start.AddDate(0, 0, 7), nil
	case Month:
		start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 1, 0), nil
	}
	return time.Time{}, time.Time{}, fmt.Errorf("quota window %q is not day, week or month", w)
}

// Counter enforces quotas, one count per key and window.
type Counter interface {
	// Take counts one request against key under q.
	Take(ctx context.Context, key string, q Quota) (Decision, error)
}
