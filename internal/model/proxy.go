package model

import (
	"fmt"
	"net/url"
	"strings"
)

// Balancing policies of a proxy.
const (
	BalanceRoundRobin       = "roundRobin"
	BalanceLeastConnections = "leastConnections"
	BalanceWeighted         = "weighted"
)

// ProxySpec puts an external HTTP service behind the gateway.
type ProxySpec struct {
	BasePath    string         `json:"basePath"`
	Version     string         `json:"version"`
	Description string         `json:"description,omitempty"`
	PathPrefix  string         `json:"pathPrefix,omitempty"` // its own prefix besides /ws/proxy/{base}/{version}
	Targets     []ProxyTarget  `json:"targets"`
	Balancing   string         `json:"balancing,omitempty"`
	Timeouts    *ProxyTimeouts `json:"timeouts,omitempty"`
}

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
	return e.err()
}
