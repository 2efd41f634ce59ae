package model_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestProxySpecValidate(t *testing.T) {
	t.Parallel()
	proxy := func(mod func(*model.ProxySpec)) *model.ProxySpec {
		s := &model.ProxySpec{BasePath: "billing", Version: "v1", Targets: []model.ProxyTarget{{URL: "https://billing.internal"}}}
		if mod != nil {
			mod(s)
		}
		return s
	}
	tests := []struct {
		name string
		spec *model.ProxySpec
		want []string
	}{
		{"minimal", proxy(nil), nil},
		{"full", proxy(func(s *model.ProxySpec) {
			s.PathPrefix = "/billing/api"
			s.Targets = []model.ProxyTarget{{URL: "http://10.0.0.1:8080/base", Weight: 3}, {URL: "http://10.0.0.2:8080/base", Weight: 1}}
			s.Balancing = model.BalanceWeighted
			s.Timeouts = &model.ProxyTimeouts{Connect: model.Duration(2e9), ResponseHeader: model.Duration(10e9), Total: model.Duration(30e9)}
		}), nil},
		{"round robin", proxy(func(s *model.ProxySpec) { s.Balancing = model.BalanceRoundRobin }), nil},
		{"policies", proxy(func(s *model.ProxySpec) {
			s.HealthCheck = &model.ProxyHealthCheck{Path: "/health", Interval: model.Duration(5e9), HealthyThreshold: 2, UnhealthyThreshold: 3}
			s.PassiveHealth = &model.ProxyPassiveHealth{ConsecutiveFailures: 5, EjectFor: model.Duration(30e9)}
			s.Retries = &model.ProxyRetries{Attempts: 2}
			s.CircuitBreaker = &model.ProxyCircuitBreaker{FailureThreshold: 5, OpenFor: model.Duration(30e9)}
			s.Rewrite = []model.ProxyRewrite{{Match: "^/v0/(.*)$", Replace: "/legacy/$1"}}
			s.RequestHeaders = &model.ProxyHeaders{Add: map[string]string{"X-Gateway": "portico"}, Remove: []string{"Cookie"}}
			s.ResponseHeaders = &model.ProxyHeaders{Remove: []string{"Server"}}
			s.Auth = &model.ProxyAuth{Type: model.ProxyAuthBasic, Username: "gw", Password: "pw", ForwardAuthorization: true}
			s.OpenAPI = map[string]any{"openapi": "3.1.0", "info": map[string]any{"title": "B", "version": "1"}}
		}), nil},
		{"openapi from", proxy(func(s *model.ProxySpec) { s.OpenAPIFrom = "./billing.yaml" }), nil},
		{"bad policies", proxy(func(s *model.ProxySpec) {
			s.HealthCheck = &model.ProxyHealthCheck{Path: "health", Interval: -1}
			s.Retries = &model.ProxyRetries{Attempts: 11}
			s.Rewrite = []model.ProxyRewrite{{Match: "(", Replace: "x"}}
			s.RequestHeaders = &model.ProxyHeaders{Add: map[string]string{"Connection": "x", "Bad Name": "y", "X-Ok": "a\nb"}}
			s.ResponseHeaders = &model.ProxyHeaders{Remove: []string{"Transfer-Encoding"}}
			s.Auth = &model.ProxyAuth{Type: "digest"}
		}), []string{"spec.healthCheck.path", "spec.healthCheck", "spec.retries.attempts", "spec.rewrite[0].match", "spec.rewrite[0].replace",
			"spec.requestHeaders.add.Bad Name", "spec.requestHeaders.add.Connection", "spec.requestHeaders.add.X-Ok",
			"spec.responseHeaders.remove[0]", "spec.auth.type"}},
		{"basic without user", proxy(func(s *model.ProxySpec) { s.Auth = &model.ProxyAuth{Type: "basic"} }), []string{"spec.auth.username"}},
		{"openapi both ways", proxy(func(s *model.ProxySpec) {
			s.OpenAPI = map[string]any{"openapi": "2.0", "swagger": "2.0"}
			s.OpenAPIFrom = "x.yaml"
		}), []string{"spec.openapiFrom", "spec.openapi", "spec.openapi.info"}},
		{"least connections", proxy(func(s *model.ProxySpec) { s.Balancing = model.BalanceLeastConnections }), nil},
		{"prefix like ws but not it", proxy(func(s *model.ProxySpec) { s.PathPrefix = "/wsx" }), nil},

		{"empty", &model.ProxySpec{}, []string{"spec.basePath", "spec.version", "spec.targets"}},
		{"prefix without slash", proxy(func(s *model.ProxySpec) { s.PathPrefix = "billing" }), []string{"spec.pathPrefix"}},
		{"prefix trailing slash", proxy(func(s *model.ProxySpec) { s.PathPrefix = "/billing/" }), []string{"spec.pathPrefix"}},
		{"prefix root", proxy(func(s *model.ProxySpec) { s.PathPrefix = "/" }), []string{"spec.pathPrefix"}},
		{"prefix reserved ws", proxy(func(s *model.ProxySpec) { s.PathPrefix = "/ws" }), []string{"spec.pathPrefix"}},
		{"prefix reserved ws sub", proxy(func(s *model.ProxySpec) { s.PathPrefix = "/ws/rest" }), []string{"spec.pathPrefix"}},
		{"prefix reserved api", proxy(func(s *model.ProxySpec) { s.PathPrefix = "/api/v1" }), []string{"spec.pathPrefix"}},
		{"prefix reserved healthz", proxy(func(s *model.ProxySpec) { s.PathPrefix = "/healthz" }), []string{"spec.pathPrefix"}},
		{"prefix reserved readyz", proxy(func(s *model.ProxySpec) { s.PathPrefix = "/readyz" }), []string{"spec.pathPrefix"}},
		{"prefix reserved metrics", proxy(func(s *model.ProxySpec) { s.PathPrefix = "/metrics" }), []string{"spec.pathPrefix"}},
		{"bad target urls", proxy(func(s *model.ProxySpec) {
			s.Targets = []model.ProxyTarget{{URL: "https://ok"}, {URL: "billing.internal"}, {URL: "ws://x"}, {URL: ""}}
		}), []string{"spec.targets[1].url", "spec.targets[2].url", "spec.targets[3].url"}},
		{"negative weight", proxy(func(s *model.ProxySpec) { s.Targets[0].Weight = -1 }), []string{"spec.targets[0].weight"}},
		{"unknown balancing", proxy(func(s *model.ProxySpec) { s.Balancing = "random" }), []string{"spec.balancing"}},
		{"negative timeouts", proxy(func(s *model.ProxySpec) {
			s.Timeouts = &model.ProxyTimeouts{Connect: -1, ResponseHeader: -1, Total: -1}
		}), []string{"spec.timeouts.connect", "spec.timeouts.responseHeader", "spec.timeouts.total"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPaths(t, tt.spec.Validate(), tt.want)
		})
	}
}

func TestProxySpecIdentity(t *testing.T) {
	t.Parallel()
	s := &model.ProxySpec{}
	if s.Kind() != model.KindProxy {
		t.Errorf("Kind() = %q", s.Kind())
	}
	if refs := s.References(); len(refs) != 0 {
		t.Errorf("References() = %v, want none", refs)
	}
}

func TestProxyAuthNeverPrintsItsPassword(t *testing.T) {
	t.Parallel()
	a := model.ProxyAuth{Type: model.ProxyAuthBasic, Username: "gw", Password: "hunter2"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d"} {
		for _, v := range []any{a, &a, &model.ProxySpec{Auth: &a}} {
			if s := fmt.Sprintf(verb, v); strings.Contains(s, "hunter2") {
				t.Errorf("%s of %T shows the password: %s", verb, v, s)
			}
		}
	}
}
