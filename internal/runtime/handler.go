package runtime

import (
	"net/http"
)

// ServeHTTP routes the shared web server: the health checks, and every
// other path to the serving snapshot (deployed APIs under /ws/, proxies
// also under their own path prefixes), which answers 404 where nothing is
// deployed.
func (r *Runtime) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	p := req.URL.Path
	switch {
	case req.Method == http.MethodConnect:
		// Never an open proxy: no tunnels to anywhere.
		w.Header().Set("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
		writeProblem(w, req, http.StatusMethodNotAllowed, "CONNECT is not served: this gateway is not an open proxy")
	case p == "/healthz":
		if checkMethod(w, req) {
			writeJSON(w, http.StatusOK, "application/json", map[string]string{"status": "ok"})
		}
	case p == "/readyz":
		if checkMethod(w, req) {
			r.readyz(w, req)
		}
	default:
		r.serveSnapshot(w, req)
	}
}

// serveSnapshot hands the request to the serving snapshot, holding a
// reference to it until the request ends so that a swap cannot release its
// resources.
func (r *Runtime) serveSnapshot(w http.ResponseWriter, req *http.Request) {
	c := r.acquireCurrent()
	if c == nil {
		w.Header().Set("Retry-After", "1")
		writeProblem(w, req, http.StatusServiceUnavailable, "this runtime has no snapshot of environment "+r.cfg.Env+" yet")
		return
	}
	defer c.unref()
	c.handler.ServeHTTP(w, req)
}

// readyz answers 200 with the status once a snapshot serves, 503 before.
func (r *Runtime) readyz(w http.ResponseWriter, req *http.Request) {
	s := r.Status()
	if s.Ready {
		writeJSON(w, http.StatusOK, "application/json", s)
		return
	}
	why := s.LastError
	if why == "" {
		why = s.SourceError
	}
	detail := "no snapshot of environment " + s.Environment + " yet"
	if why != "" {
		detail += ": " + why
	}
	writeProblemValue(w, req, &problem{Status: http.StatusServiceUnavailable, Detail: detail, Environment: s.Environment, LastError: why})
}

// checkMethod allows GET and HEAD on the health checks.
func checkMethod(w http.ResponseWriter, req *http.Request) bool {
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	writeProblem(w, req, http.StatusMethodNotAllowed, req.Method+" is not allowed on "+req.URL.Path)
	return false
}
