// Package limit turns rate limits, quotas and worker pools into HTTP
// answers: a handler wrapper per policy, and the RateLimit-* headers
// (IETF draft "RateLimit header fields for HTTP") on every limited answer.
package limit

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/policy/ratelimit"
)

// SetHeaders puts a decision's RateLimit-Limit, RateLimit-Remaining and
// RateLimit-Reset (whole seconds, rounded up) on h.
func SetHeaders(h http.Header, d ratelimit.Decision) {
	// The three numbers are formatted into one string and one backing
	// array holds the three values: two allocations on every limited
	// answer, whatever the size of the numbers.
	var buf [64]byte
	b := strconv.AppendInt(buf[:0], int64(d.Limit), 10)
	i := len(b)
	b = strconv.AppendInt(b, int64(max(d.Remaining, 0)), 10)
	j := len(b)
	b = appendSeconds(b, d.ResetAfter)
	all := string(b)
	v := [...]string{all[:i], all[i:j], all[j:]}
	s := v[:]
	h["Ratelimit-Limit"] = s[0:1:1]
	h["Ratelimit-Remaining"] = s[1:2:2]
	h["Ratelimit-Reset"] = s[2:3:3]
}

// seconds rounds d up to whole seconds, at least 1 for a positive wait.
func seconds(d time.Duration) string { return string(appendSeconds(nil, d)) }

func appendSeconds(b []byte, d time.Duration) []byte {
	if d <= 0 {
		return append(b, '0')
	}
	return strconv.AppendInt(b, int64(math.Ceil(d.Seconds())), 10)
}

// TooMany answers 429 for a refused decision: what was exceeded, when to
// come back (Retry-After) and the RateLimit-* figures.
func TooMany(w http.ResponseWriter, r *http.Request, d ratelimit.Decision, what string) {
	SetHeaders(w.Header(), d)
	p := problem.New(http.StatusTooManyRequests, what+" exceeded; retry in "+seconds(d.RetryAfter)+" s")
	p.Code = "rate-limited"
	problem.Write(w, r, p.WithHeader("Retry-After", seconds(d.RetryAfter)))
}

// Unavailable answers 503 with Retry-After: the limits could not be checked
// (their shared store is down and the environment refuses in that case) or
// a worker pool is full.
func Unavailable(w http.ResponseWriter, r *http.Request, retry time.Duration, detail string) {
	p := problem.New(http.StatusServiceUnavailable, detail)
	problem.Write(w, r, p.WithHeader("Retry-After", seconds(retry)))
}
