// Package problem writes RFC 9457 problem+json answers for the runtime's
// endpoint styles, and maps the errors of a request to one of them in a
// single place.
package problem

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/portico-dev/portico/internal/endpoint/profile"
)

// TypeBase prefixes every problem type URI, as on the platform API.
const TypeBase = "https://portico.dev/problems/"

// ContentType is the media type of every error body.
const ContentType = "application/problem+json"

// Problem is an RFC 9457 problem details object. It is also an error, so
// that decoders can return the exact answer a client should get.
type Problem struct {
	Type        string              `json:"type"`
	Title       string              `json:"title"`
	Status      int                 `json:"status"`
	Detail      string              `json:"detail,omitempty"`
	Instance    string              `json:"instance,omitempty"`
	Code        string              `json:"code,omitempty"`
	ExecutionID string              `json:"executionId,omitempty"`
	Errors      []profile.Violation `json:"errors,omitempty"`
	// Header holds headers the answer needs besides the body (Allow,
	// Retry-After).
	Header http.Header `json:"-"`
}

// New returns a problem with the standard title of status.
func New(status int, detail string) *Problem {
	return &Problem{Status: status, Detail: detail}
}

// Error implements error.
func (p *Problem) Error() string {
	if p.Detail == "" {
		return http.StatusText(p.Status)
	}
	return p.Detail
}

// WithHeader sets one header on the answer and returns p.
func (p *Problem) WithHeader(name, value string) *Problem {
	if p.Header == nil {
		p.Header = http.Header{}
	}
	p.Header.Set(name, value)
	return p
}

// Write writes p with its headers. Headers already on w (X-Execution-Id)
// stay; a Content-Length or Content-Encoding left by a half-written success
// answer would lie about the problem body, so they go.
func Write(w http.ResponseWriter, r *http.Request, p *Problem) {
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
		if p.Title == "" {
			p.Title = "Error"
		}
	}
	if p.Type == "" {
		p.Type = TypeBase + strings.ReplaceAll(strings.ToLower(p.Title), " ", "-")
	}
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	body, err := json.Marshal(p)
	if err != nil {
		// Only strings and ints are marshalled; this cannot fail, but an
		// answer must still go out.
		body = []byte(`{"title":"Internal Server Error","status":500}`)
		p.Status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Del("Content-Length")
	h.Del("Content-Encoding")
	for k, vs := range p.Header {
		h[k] = vs
	}
	h.Set("Content-Type", ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}
