package endpoint

import (
	"net/http"

	"github.com/google/uuid"
)

// EnsureExecutionID returns the execution id already on w's headers, or
// draws a new one (UUIDv7) and sets it. The first layer that sees a request
// (router, API, operation) calls it, so that every answer — a 404 from the
// router as well as a process result — carries exactly one id, and the id
// travels down without a request copy for a context value.
func EnsureExecutionID(w http.ResponseWriter) string {
	h := w.Header()
	if v := h[ExecutionIDHeader]; len(v) > 0 {
		return v[0]
	}
	id, err := uuid.NewV7()
	if err != nil {
		// NewV7 fails only when the system random source does; a v4
		// from the same source would fail too, so fall back to none.
		id = uuid.Nil
	}
	s := id.String()
	h[ExecutionIDHeader] = []string{s}
	return s
}
