package limit

import (
	"net/http"
	"strconv"

	"github.com/portico-dev/portico/internal/endpoint/problem"
)

// Body refuses request bodies over Max bytes with 413: at once when the
// Content-Length says so, and while reading for chunked bodies, whose
// reader fails at the limit (http.MaxBytesReader) before the body is ever
// held whole.
type Body struct {
	Max  int64
	Next http.Handler
}

// ServeHTTP implements http.Handler.
func (h *Body) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > h.Max {
		TooLarge(w, r, h.Max)
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(w, r.Body, h.Max)
	}
	h.Next.ServeHTTP(w, r)
}

// TooLarge answers 413 naming the limit.
func TooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	// The rest of the body is not read: the connection closes after the
	// answer rather than draining an unwanted upload.
	w.Header().Set("Connection", "close")
	problem.Write(w, r, problem.New(http.StatusRequestEntityTooLarge, "the request body is larger than the limit of "+strconv.FormatInt(limit, 10)+" bytes"))
}
