package model

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Balancing policies of a proxy.
const (
	BalanceRoundRobin       = "roundRobin"
	BalanceLeastConnections = "leastConnections"
	BalanceWeighted         = "weighted"
)

// MaxProxyTargets bounds the targets of one proxy.
const MaxProxyTargets = 64

// ProxySpec puts an external HTTP service behind the gateway.
type ProxySpec struct {
	BasePath    string         `json:"basePath"`
	Version     string         `json:"version"`
	Description string         `json:"description,omitempty"`
	PathPrefix  string         `json:"pathPrefix,omitempty"` // its own prefix besides /ws/proxy/{base}/{version}
	Targets     []ProxyTarget  `json:"targets"`
	Balancing   string         `json:"balancing,omitempty"`
	Timeouts    *ProxyTimeouts `json:"timeouts,omitempty"`
	// HealthCheck polls every target; absent, targets are only ejected
	// passively.
	HealthCheck *ProxyHealthCheck `json:"healthCheck,omitempty"`
	// PassiveHealth ejects a target after consecutive failed calls.
	PassiveHealth *ProxyPassiveHealth `json:"passiveHealth,omitempty"`
	// Retries of idempotent requests whose connection failed.
	Retries *ProxyRetries `json:"retries,omitempty"`
	// CircuitBreaker stops calling the upstream after consecutive failures.
	CircuitBreaker *ProxyCircuitBreaker `json:"circuitBreaker,omitempty"`
	// KeepPathPrefix forwards the path under pathPrefix with the prefix
	// kept; by default the prefix is stripped, as /ws/proxy/{base}/{version}
	// always is.
	KeepPathPrefix bool `json:"keepPathPrefix,omitempty"`
	// Rewrite rewrites the forwarded path; the first rule that matches wins.
	Rewrite []ProxyRewrite `json:"rewrite,omitempty"`
	// RequestHeaders and ResponseHeaders are changed on the way through.
	RequestHeaders  *ProxyHeaders `json:"requestHeaders,omitempty"`
	ResponseHeaders *ProxyHeaders `json:"responseHeaders,omitempty"`
	// Auth is how the gateway authenticates to the upstream.
	Auth *ProxyAuth `json:"auth,omitempty"`
	// OpenAPI is the upstream's OpenAPI document, served with a docs page.
	OpenAPI map[string]any `json:"openapi,omitempty"`
	// OpenAPIFrom names a file or URL that `portico apply` reads into
	// OpenAPI; the control plane never reads it.
	OpenAPIFrom string `json:"openapiFrom,omitempty"`
}

// ProxyHealthCheck is an active health check: GET path on every target each
// interval; 200 is healthy, anything else (or no answer within timeout) is not.
type ProxyHealthCheck struct {
	Path               string   `json:"path"`
	Interval           Duration `json:"interval,omitempty"`
	Timeout            Duration `json:"timeout,omitempty"`
	HealthyThreshold   int      `json:"healthyThreshold,omitempty"`
	UnhealthyThreshold int      `json:"unhealthyThreshold,omitempty"`
}

// ProxyPassiveHealth ejects a target from the rotation for EjectFor after
// ConsecutiveFailures failed calls in a row.
type ProxyPassiveHealth struct {
	ConsecutiveFailures int      `json:"consecutiveFailures,omitempty"`
	EjectFor            Duration `json:"ejectFor,omitempty"`
}

// ProxyRetries retries idempotent requests on another target when the
// connection failed before the request was sent.
type ProxyRetries struct {
	Attempts int `json:"attempts"`
}

// ProxyCircuitBreaker opens after FailureThreshold failed calls in a row:
// calls are then refused for OpenFor, after which one trial call decides.
type ProxyCircuitBreaker struct {
	FailureThreshold int      `json:"failureThreshold,omitempty"`
	OpenFor          Duration `json:"openFor,omitempty"`
}

// ProxyRewrite replaces the forwarded path when Match (a regular
// expression) matches it; Replace may use $1 for groups.
type ProxyRewrite struct {
	Match   string `json:"match"`
	Replace string `json:"replace"`
}

// ProxyHeaders changes headers: Add sets each header (replacing what was
// there), Remove deletes them.
type ProxyHeaders struct {
	Add    map[string]string `json:"add,omitempty"`
	Remove []string          `json:"remove,omitempty"`
}

// Upstream authentication types of a proxy.
const (
	ProxyAuthNone        = "none"
	ProxyAuthBasic       = "basic"
	ProxyAuthPassThrough = "passThrough"
)

// ProxyAuth is how the gateway authenticates to the upstream. With none
// (the default) and basic, the caller's Authorization header is not
// forwarded as such; ForwardAuthorization sends it as
// X-Forwarded-Authorization.
type ProxyAuth struct {
	Type                 string `json:"type"`
	Username             string `json:"username,omitempty"`
	Password             Secret `json:"password,omitempty"`
	ForwardAuthorization bool   `json:"forwardAuthorization,omitempty"`
}

// Format prints the authentication with its password redacted whatever the verb.
func (a ProxyAuth) Format(f fmt.State, verb rune) { formatRedacted(f, verb, proxyAuthFields(a)) }

type proxyAuthFields ProxyAuth

// ProxyTarget is one upstream.
type ProxyTarget struct {
	URL    string `json:"url"`
	Weight int    `json:"weight,omitempty"`
}

// ProxyTimeouts bound each phase of an upstream call.
type ProxyTimeouts struct {
	Connect        Duration `json:"connect,omitempty"`
	ResponseHeader Duration `json:"responseHeader,omitempty"`
	Total          Duration `json:"total,omitempty"`
}

// Kind implements Spec.
func (*ProxySpec) Kind() Kind { return KindProxy }

// References implements Spec: a proxy uses no other component.
func (*ProxySpec) References() []Ref { return nil }

// Validate implements Spec.
func (s *ProxySpec) Validate() error {
	var e errs
	if !ValidBasePath(s.BasePath) {
		e.add("spec.basePath", "%q is not a valid base path (segments of letters, digits, '.', '_' or '-', no leading slash)", s.BasePath)
	}
	if !ValidAPIVersion(s.Version) {
		e.add("spec.version", "%q is not a valid API version (e.g. v1)", s.Version)
	}
	if s.PathPrefix != "" {
		if !strings.HasPrefix(s.PathPrefix, "/") || !ValidBasePath(strings.TrimPrefix(s.PathPrefix, "/")) {
			e.add("spec.pathPrefix", "%q is not a path prefix like /billing", s.PathPrefix)
		} else if p := s.PathPrefix + "/"; strings.HasPrefix(p, "/ws/") || strings.HasPrefix(p, "/api/") ||
			p == "/healthz/" || p == "/readyz/" || p == "/metrics/" {
			e.add("spec.pathPrefix", "%q is reserved by Portico", s.PathPrefix)
		}
	}
	if len(s.Targets) == 0 {
		e.add("spec.targets", "a proxy needs at least one target")
	} else if len(s.Targets) > MaxProxyTargets {
		e.add("spec.targets", "%d targets; a proxy has at most %d", len(s.Targets), MaxProxyTargets)
	}
	for i, t := range s.Targets {
		p := fmt.Sprintf("spec.targets[%d]", i)
		if u, err := url.Parse(t.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			e.add(p+".url", "%q is not an absolute http(s) URL", t.URL)
		}
		if t.Weight < 0 {
			e.add(p+".weight", "must not be negative")
		}
	}
	switch s.Balancing {
	case "", BalanceRoundRobin, BalanceLeastConnections, BalanceWeighted:
	default:
		e.add("spec.balancing", "%q is not supported (want roundRobin, leastConnections or weighted)", s.Balancing)
	}
	if t := s.Timeouts; t != nil {
		if t.Connect < 0 {
			e.add("spec.timeouts.connect", "must not be negative")
		}
		if t.ResponseHeader < 0 {
			e.add("spec.timeouts.responseHeader", "must not be negative")
		}
		if t.Total < 0 {
			e.add("spec.timeouts.total", "must not be negative")
		}
	}
	s.validatePolicies(&e)
	return e.err()
}

func (s *ProxySpec) validatePolicies(e *errs) {
	if h := s.HealthCheck; h != nil {
		if !strings.HasPrefix(h.Path, "/") {
			e.add("spec.healthCheck.path", "%q is not a path like /health", h.Path)
		}
		if h.Interval < 0 || h.Timeout < 0 {
			e.add("spec.healthCheck", "interval and timeout must not be negative")
		}
		if h.HealthyThreshold < 0 || h.UnhealthyThreshold < 0 {
			e.add("spec.healthCheck", "thresholds must not be negative")
		}
	}
	if p := s.PassiveHealth; p != nil && (p.ConsecutiveFailures < 0 || p.EjectFor < 0) {
		e.add("spec.passiveHealth", "consecutiveFailures and ejectFor must not be negative")
	}
	if r := s.Retries; r != nil && (r.Attempts < 0 || r.Attempts > 10) {
		e.add("spec.retries.attempts", "must be between 0 and 10")
	}
	if b := s.CircuitBreaker; b != nil && (b.FailureThreshold < 0 || b.OpenFor < 0) {
		e.add("spec.circuitBreaker", "failureThreshold and openFor must not be negative")
	}
	for i, r := range s.Rewrite {
		if _, err := regexp.Compile(r.Match); err != nil || r.Match == "" {
			e.add(fmt.Sprintf("spec.rewrite[%d].match", i), "%q is not a regular expression", r.Match)
		}
		if !strings.HasPrefix(r.Replace, "/") && !strings.HasPrefix(r.Replace, "$") {
			e.add(fmt.Sprintf("spec.rewrite[%d].replace", i), "%q does not start with / (or a $group holding one)", r.Replace)
		}
	}
	validateProxyHeaders(e, "spec.requestHeaders", s.RequestHeaders)
	validateProxyHeaders(e, "spec.responseHeaders", s.ResponseHeaders)
	if a := s.Auth; a != nil {
		switch a.Type {
		case "", ProxyAuthNone, ProxyAuthPassThrough:
		case ProxyAuthBasic:
			if a.Username == "" || strings.Contains(a.Username, ":") {
				e.add("spec.auth.username", "basic authentication needs a username without ':'")
			}
		default:
			e.add("spec.auth.type", "%q is not supported (want none, basic or passThrough)", a.Type)
		}
	}
	if s.OpenAPI != nil && s.OpenAPIFrom != "" {
		e.add("spec.openapiFrom", "give the document either inline (openapi) or by reference (openapiFrom), not both")
	}
	if s.OpenAPI != nil {
		if v, _ := s.OpenAPI["openapi"].(string); !strings.HasPrefix(v, "3.") {
			e.add("spec.openapi", "an OpenAPI 3 document starts with openapi: 3.x")
		}
		if info, _ := s.OpenAPI["info"].(map[string]any); info == nil {
			e.add("spec.openapi.info", "the document needs an info object with a title")
		}
	}
}

// hopHeaders are connection-level headers a proxy may never be told to set.
var hopHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Content-Length",
}

func validateProxyHeaders(e *errs, path string, h *ProxyHeaders) {
	if h == nil {
		return
	}
	check := func(p, name string) {
		if !validHeaderName(name) {
			e.add(p, "%q is not a header name", name)
		} else if slices.ContainsFunc(hopHeaders, func(h string) bool { return strings.EqualFold(h, name) }) {
			e.add(p, "%q is managed by the proxy itself", name)
		}
	}
	// In name order, so that the same spec always reports the same errors.
	for _, name := range slices.Sorted(maps.Keys(h.Add)) {
		v := h.Add[name]
		check(path+".add."+name, name)
		if strings.ContainsAny(v, "\r\n\x00") {
			e.add(path+".add."+name, "a header value must not contain line breaks")
		}
	}
	for i, name := range h.Remove {
		check(fmt.Sprintf("%s.remove[%d]", path, i), name)
	}
}

// validHeaderName reports a token as RFC 9110 defines header names.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}
