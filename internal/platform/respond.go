package platform

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

const apiPrefix = "/api/v1"

// call is one request as a handler sees it.
type call struct {
	r      *http.Request
	caller *caller // nil on public routes
}

// reply is what a handler answers on success; the wrapper writes it.
type reply struct {
	status int
	body   any // nil: no body
	header http.Header
}

// apiFunc is a handler: it returns a reply or an error, never writes itself.
type apiFunc func(c *call) (*reply, error)

func ok(v any) (*reply, error)      { return &reply{status: http.StatusOK, body: v}, nil }
func created(v any) (*reply, error) { return &reply{status: http.StatusCreated, body: v}, nil }
func noContent() (*reply, error)    { return &reply{status: http.StatusNoContent}, nil }

// list is the answer of every list route.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

func okList[T any](items []T, next string) (*reply, error) {
	if items == nil {
		items = []T{}
	}
	return ok(list[T]{Items: items, NextCursor: next})
}

// wrap turns a route into an http.Handler: body limit, authentication,
// permission check, then the one place where answers and errors are written.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
		c := &call{r: r}
		rep, err := s.serve(rt, c)
		status := 0
		if err != nil {
			status = s.writeError(w, r, err)
		} else {
			status = rep.status
			writeReply(w, rep)
		}
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", status, "duration", time.Since(start))
	})
}

func (s *Server) serve(rt route, c *call) (*reply, error) {
	switch rt.auth {
	case authRequired:
		cl, err := s.authenticate(c.r)
		if err != nil {
			return nil, err
		}
		if err := rt.authorize(cl, c.r); err != nil {
			return nil, err
		}
		c.caller = cl
	case authOptional:
		// The handler decides (POST /tokens signs in without a token).
	}
	rep, err := rt.h(c)
	if err == nil {
		s.auditLeftOver(c)
	}
	return rep, err
}

func writeReply(w http.ResponseWriter, rep *reply) {
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	if rep.body == nil {
		w.WriteHeader(rep.status)
		return
	}
	if stream, isStream := rep.body.(streamBody); isStream {
		stream(w)
		return
	}
	if raw, isRaw := rep.body.(rawBody); isRaw {
		w.Header().Set("Content-Type", raw.contentType)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(rep.status)
		_, _ = w.Write(raw.body)
		return
	}
	writeJSON(w, rep.status, "application/json", rep.body)
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own types are marshalled; this is a programming error.
		http.Error(w, `{"status":500}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// unmatched answers paths under /api/v1 that no route serves: 405 with Allow
// when the path exists for other methods, 404 otherwise, both problem+json.
func (s *Server) unmatched(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != apiPrefix+"/" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		if slices.Contains(allowed, http.MethodGet) {
			allowed = append(allowed, http.MethodHead)
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeProblem(w, r, &problem{Status: http.StatusMethodNotAllowed, Detail: r.Method + " is not allowed on " + r.URL.Path})
		return
	}
	writeProblem(w, r, &problem{Status: http.StatusNotFound, Detail: "no such route: " + r.Method + " " + r.URL.Path})
}
