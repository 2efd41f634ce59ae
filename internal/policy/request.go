package policy

import (
	"net/http"
	"strings"

	"github.com/portico-dev/portico/internal/endpoint/problem"
)

// methodOverrides are headers some frameworks read to change the method.
// Portico never honours them; a request carrying one is refused, so that a
// proxy or process downstream cannot honour it either and run, say, a
// DELETE that the authorization checked as a POST.
var methodOverrides = []string{"X-Http-Method-Override", "X-Http-Method", "X-Method-Override"}

// checkRequest refuses the shapes of request that could make the route the
// policies checked differ from the route that runs: paths that are not
// canonical (dot segments, empty segments, backslashes, encoded slashes or
// dots) and method-override headers.
func checkRequest(r *http.Request) *problem.Problem {
	for _, h := range methodOverrides {
		if _, ok := r.Header[h]; ok {
			return problem.New(http.StatusBadRequest, "the "+h+" header is not honoured; send the method itself")
		}
	}
	if !canonicalPath(r.URL.Path) {
		return problem.New(http.StatusBadRequest, "the path is not canonical (no empty, '.' or '..' segments, no backslashes)")
	}
	if raw := r.URL.RawPath; raw != "" {
		lower := strings.ToLower(raw)
		if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") || strings.Contains(lower, "%2e") {
			return problem.New(http.StatusBadRequest, "the path may not encode '/', '\\' or '.'")
		}
	}
	return nil
}

// canonicalPath reports a path with no empty, "." or ".." segment and no
// backslash or control character.
func canonicalPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	start := 1
	for i := 1; i <= len(p); i++ {
		if i < len(p) {
			c := p[i]
			if c == '\\' || c < 0x20 || c == 0x7f {
				return false
			}
			if c != '/' {
				continue
			}
		}
		seg := p[start:i]
		last := i == len(p)
		switch {
		case seg == "." || seg == "..":
			return false
		case seg == "" && !last:
			return false
		}
		start = i + 1
	}
	return true
}
