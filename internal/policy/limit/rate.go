package limit

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/portico-dev/portico/internal/policy/ratelimit"
)

// Rate admits requests to next under one rate limit. Key names the counter
// (compiled once: "env:dev", "api:dev:erp:v1"); the same key on several
// runtimes sharing Redis is one limit for the cluster.
type Rate struct {
	Limiter ratelimit.Limiter
	Limit   ratelimit.Limit
	Key     string
	// What names the limit in the refusal ("the API's rate limit").
	What string
	Log  *slog.Logger
	Next http.Handler
}

// ServeHTTP implements http.Handler.
func (h *Rate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d, err := h.Limiter.Allow(r.Context(), h.Key, h.Limit)
	if err != nil {
		if errors.Is(err, ratelimit.ErrUnavailable) {
			Unavailable(w, r, time.Second, "rate limits cannot be checked right now")
			return
		}
		// A limit that cannot be evaluated (a bad configuration passed
		// validation) must not take the API down: log it and admit.
		h.Log.Error("rate limit not enforced", "key", h.Key, "err", err)
		h.Next.ServeHTTP(w, r)
		return
	}
	if !d.Allowed {
		TooMany(w, r, d, h.What)
		return
	}
	SetHeaders(w.Header(), d)
	h.Next.ServeHTTP(w, r)
}
