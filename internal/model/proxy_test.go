package model_test

import (
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
