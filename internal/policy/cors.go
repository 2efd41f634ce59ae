package policy

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/internal/endpoint/problem"
	"github.com/portico-dev/portico/internal/model"
)

// CORS answers browsers' cross-origin requests for an environment:
// preflights are answered here, before any authentication, and actual
// requests from an allowed origin get the Access-Control-Allow-* headers
// (on errors too, so that a page can read a 401).
type CORS struct {
	origins     []originPattern
	credentials bool
	methods     []string
	methodsList string
	headers     []string // canonical; nil: the default set
	exposed     string
	maxAge      string
}

// Headers a preflight may ask for when the environment lists none.
var defaultCORSHeaders = []string{"Accept", "Accept-Language", "Content-Language", "Content-Type", "Authorization", APIKeyHeader, "X-Max-Wait", "X-Callback-Url"}

var defaultCORSMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

type originPattern struct {
	any            bool
	exact          string // lower case
	prefix, suffix string // "https://" and ".example.com" of https://*.example.com
}

func (o originPattern) match(origin string) bool {
	switch {
	case o.any:
		return true
	case o.exact != "":
		return o.exact == origin
	}
	if len(origin) <= len(o.prefix)+len(o.suffix) || !strings.HasPrefix(origin, o.prefix) || !strings.HasSuffix(origin, o.suffix) {
		return false
	}
	// The wildcard stands for host labels only: no port, path or userinfo
	// may hide in it.
	mid := origin[len(o.prefix) : len(origin)-len(o.suffix)]
	return !strings.ContainsAny(mid, "/:@?#") && !strings.HasPrefix(mid, ".") && !strings.HasSuffix(mid, ".")
}

// NewCORS compiles spec; nil gives nil (no CORS headers at all).
func NewCORS(spec *model.CORSSpec) *CORS {
	if spec == nil {
		return nil
	}
	c := &CORS{credentials: spec.AllowCredentials, methods: spec.Methods}
	for _, o := range spec.Origins {
		o = strings.ToLower(strings.TrimSuffix(o, "/"))
		switch {
		case o == "*":
			c.origins = append(c.origins, originPattern{any: true})
		case strings.Contains(o, "://*."):
			pre, suf, _ := strings.Cut(o, "*")
			c.origins = append(c.origins, originPattern{prefix: pre, suffix: suf})
		default:
			c.origins = append(c.origins, originPattern{exact: o})
		}
	}
	if len(c.methods) == 0 {
		c.methods = defaultCORSMethods
	}
	c.methodsList = strings.Join(c.methods, ", ")
	for _, h := range spec.Headers {
		c.headers = append(c.headers, http.CanonicalHeaderKey(h))
	}
	exposed := make([]string, 0, len(spec.ExposedHeaders)+1)
	exposed = append(exposed, spec.ExposedHeaders...)
	if !slices.ContainsFunc(exposed, func(h string) bool { return strings.EqualFold(h, "X-Execution-Id") }) {
		exposed = append(exposed, "X-Execution-Id")
	}
	c.exposed = strings.Join(exposed, ", ")
	if spec.MaxAge > 0 {
		c.maxAge = strconv.FormatInt(int64(spec.MaxAge.Std().Seconds()), 10)
	}
	return c
}

// allowedOrigin is the value of Access-Control-Allow-Origin for origin, ""
// when the origin is not allowed.
func (c *CORS) allowedOrigin(origin string) string {
	lo := strings.ToLower(origin)
	for _, o := range c.origins {
		if o.match(lo) {
			if o.any && !c.credentials {
				return "*"
			}
			return origin
		}
	}
	return ""
}

func (c *CORS) headerAllowed(h string) bool {
	h = http.CanonicalHeaderKey(strings.TrimSpace(h))
	if c.headers != nil {
		return slices.Contains(c.headers, h)
	}
	return slices.Contains(defaultCORSHeaders, h) || strings.HasPrefix(h, "X-Wss-")
}

// handle applies CORS to r; it reports true when it answered (a
// preflight), false when the request goes on.
func (c *CORS) handle(w http.ResponseWriter, r *http.Request) bool {
	h := w.Header()
	h.Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	if preflight {
		h.Add("Vary", "Access-Control-Request-Method")
		h.Add("Vary", "Access-Control-Request-Headers")
	}
	if origin == "" {
		return false
	}
	allow := c.allowedOrigin(origin)
	if !preflight {
		if allow != "" {
			h.Set("Access-Control-Allow-Origin", allow)
			if c.credentials {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
			h.Set("Access-Control-Expose-Headers", c.exposed)
		}
		return false
	}
	if allow == "" {
		problem.Write(w, r, problem.New(http.StatusForbidden, "origin "+origin+" may not call this environment"))
		return true
	}
	method := r.Header.Get("Access-Control-Request-Method")
	if !slices.Contains(c.methods, method) {
		problem.Write(w, r, problem.New(http.StatusForbidden, "cross-origin "+method+" is not allowed; allowed: "+c.methodsList))
		return true
	}
	var asked []string
	for _, line := range r.Header.Values("Access-Control-Request-Headers") {
		for _, name := range strings.Split(line, ",") {
			if name = strings.TrimSpace(name); name == "" {
				continue
			}
			if !c.headerAllowed(name) {
				problem.Write(w, r, problem.New(http.StatusForbidden, "cross-origin requests may not send the "+name+" header"))
				return true
			}
			asked = append(asked, name)
		}
	}
	h.Set("Access-Control-Allow-Origin", allow)
	if c.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	h.Set("Access-Control-Allow-Methods", c.methodsList)
	if len(asked) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(asked, ", "))
	}
	if c.maxAge != "" {
		h.Set("Access-Control-Max-Age", c.maxAge)
	}
	w.WriteHeader(http.StatusNoContent)
	return true
}
