package platform

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

// problem is an RFC 9457 problem details object.
type problem struct {
	Type     string             `json:"type"`
	Title    string             `json:"title"`
	Status   int                `json:"status"`
	Detail   string             `json:"detail,omitempty"`
	Instance string             `json:"instance,omitempty"`
	Errors   []model.FieldError `json:"errors,omitempty"`
}

const problemBase = "https://portico.dev/problems/"

// Errors of the HTTP layer itself; the model sentinels cover the rest.
var (
	errUnsupportedMedia = errors.New("unsupported media type")
	errTooLarge         = errors.New("request body too large")
)

// statusOf maps an error to its status; 500 for anything unexpected.
func statusOf(err error) int {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig), errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, errUnsupportedMedia):
		return http.StatusUnsupportedMediaType
	case errors.Is(err, model.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, model.ErrUnauthenticated):
		return http.StatusUnauthorized
	case errors.Is(err, model.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, model.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, model.ErrConflict), errors.Is(err, model.ErrInUse):
		return http.StatusConflict
	case errors.Is(err, model.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// writeError writes err as problem+json and returns the status written.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) int {
	if ctxErr := r.Context().Err(); ctxErr != nil && errors.Is(err, context.Canceled) {
		// The client went away; nobody reads an answer.
		s.log.Debug("client gone", "method", r.Method, "path", r.URL.Path)
		return 499
	}
	p := &problem{Status: statusOf(err), Detail: err.Error()}
	switch p.Status {
	case http.StatusInternalServerError:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Detail = "internal error; the server log has the details"
	case http.StatusServiceUnavailable:
		s.log.Warn("store unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Detail = "the store is unavailable or locked; try again"
	case http.StatusRequestEntityTooLarge:
		p.Detail = "request body larger than " + itoa(s.maxBody) + " bytes"
	case http.StatusUnauthorized:
		challenge := `Bearer realm="portico"`
		if r.Header.Get("Authorization") != "" {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		p.Errors = ve.Fields
		p.Detail = validationDetail(ve)
	}
	writeProblem(w, r, p)
	return p.Status
}

func validationDetail(ve *model.ValidationError) string {
	if len(ve.Fields) == 1 {
		return ve.Fields[0].Error()
	}
	return itoa(int64(len(ve.Fields))) + " validation errors: " + ve.Error()
}

func writeProblem(w http.ResponseWriter, r *http.Request, p *problem) {
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	if p.Type == "" {
		p.Type = problemBase + slug(p.Title)
	}
	p.Instance = r.URL.Path
	writeJSON(w, p.Status, "application/problem+json", p)
}

// slug turns "Not Found" into "not-found".
func slug(title string) string {
	return strings.ReplaceAll(strings.ToLower(title), " ", "-")
}
