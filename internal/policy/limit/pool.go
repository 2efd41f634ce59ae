package limit

import (
	"errors"
	"net/http"

	"github.com/portico-dev/portico/internal/execution/pool"
)

// Pool runs next inside a worker pool's slot: a full queue answers 503 with
// Retry-After at once, a queue timeout 503 too.
type Pool struct {
	Pool *pool.Pool
	Next http.Handler
}

// ServeHTTP implements http.Handler.
func (h *Pool) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h.Pool.Acquire(r.Context()); err != nil {
		switch {
		case errors.Is(err, pool.ErrFull):
			Unavailable(w, r, h.Pool.RetryAfter(), "every worker is busy and the queue is full")
		case errors.Is(err, pool.ErrQueueTimeout):
			Unavailable(w, r, h.Pool.RetryAfter(), "no worker became free in time")
		}
		// Otherwise the caller went away: nobody reads an answer.
		return
	}
	defer h.Pool.Release()
	h.Next.ServeHTTP(w, r)
}
