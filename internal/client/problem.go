package client

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/portico-dev/portico/internal/model"
)

// Problem is an RFC 9457 problem the control plane answered with.
type Problem struct {
	Type     string             `json:"type,omitempty"`
	Title    string             `json:"title,omitempty"`
	Status   int                `json:"status"`
	Detail   string             `json:"detail,omitempty"`
	Instance string             `json:"instance,omitempty"`
	Errors   []model.FieldError `json:"errors,omitempty"`
}

// Error reads like a sentence for a user: the detail, the field errors not
// already in it, and the status.
func (p *Problem) Error() string {
	var b strings.Builder
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	if msg == "" {
		msg = http.StatusText(p.Status)
	}
	b.WriteString(msg)
	for _, f := range p.Errors {
		if !strings.Contains(msg, f.Error()) {
			b.WriteString("\n  ")
			b.WriteString(f.Error())
		}
	}
	fmt.Fprintf(&b, " (HTTP %d %s)", p.Status, http.StatusText(p.Status))
	return b.String()
}

// Is lets callers test a problem with the model's sentinels:
// errors.Is(err, model.ErrNotFound) is true for a 404.
func (p *Problem) Is(target error) bool {
	switch p.Status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		return target == model.ErrInvalid
	case http.StatusUnauthorized:
		return target == model.ErrUnauthenticated
	case http.StatusForbidden:
		return target == model.ErrForbidden
	case http.StatusNotFound:
		return target == model.ErrNotFound
	case http.StatusConflict:
		return target == model.ErrConflict || target == model.ErrInUse
	case http.StatusServiceUnavailable:
		return target == model.ErrUnavailable
	}
	return false
}

// decodeProblem turns an error answer into a *Problem, also when the body is
// not problem+json (a proxy in between, a wrong address).
func decodeProblem(resp *http.Response, data []byte) error {
	p := &Problem{}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "application/problem+json" || mt == "application/json" {
		if err := json.Unmarshal(data, p); err != nil {
			p = &Problem{}
		}
	}
	if p.Status == 0 {
		p.Status = resp.StatusCode
	}
	if p.Title == "" && p.Detail == "" {
		p.Title = http.StatusText(resp.StatusCode)
		if snippet := strings.TrimSpace(string(data)); snippet != "" && mt != "application/problem+json" {
			if len(snippet) > 200 {
				snippet = snippet[:200] + "…"
			}
			p.Detail = fmt.Sprintf("%s %s answered: %s", resp.Request.Method, resp.Request.URL.Path, snippet)
		}
	}
	return p
}
