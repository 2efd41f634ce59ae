package model_test

import (
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
)

func TestEnvironmentSecurityValidate(t *testing.T) {
	t.Parallel()
	env := func(s model.SecuritySpec) model.Environment {
		return model.Environment{Name: "prod", Spec: model.EnvironmentSpec{Security: &s}}
	}
	l := func(name, addr string, tls *model.ListenerTLS, auth model.ListenerAuthSpec) model.ListenerSpec {
		return model.ListenerSpec{Name: name, Address: addr, TLS: tls, Authentication: auth}
	}
	files := &model.ListenerTLS{CertFile: "c.pem", KeyFile: "k.pem"}
	jwt := &model.JWTSpec{Issuer: "https://idp", Audiences: []string{"api"}, JWKSURL: "https://idp/jwks"}
	tests := []struct {
		name string
		env  model.Environment
		want []string
	}{
		{"every type", env(model.SecuritySpec{
			Listeners: []model.ListenerSpec{
				l("public", ":8443", files, model.ListenerAuthSpec{Type: model.AuthAPIKey}),
				l("partners", ":8444", &model.ListenerTLS{CertFile: "c", KeyFile: "k", ClientCAFile: "ca", MinVersion: "1.3"}, model.ListenerAuthSpec{Type: model.AuthClientCertificate}),
				l("sso", ":8445", &model.ListenerTLS{SelfSigned: true, CipherSuites: []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}}, model.ListenerAuthSpec{Type: model.AuthJWT, JWT: jwt}),
				l("internal", "127.0.0.1:9091", nil, model.ListenerAuthSpec{Type: model.AuthCertificateHeader, CertificateHeader: &model.CertificateHeaderSpec{TrustedProxies: []string{"10.0.0.0/8"}}}),
				l("basic", "127.0.0.1:9092", nil, model.ListenerAuthSpec{Type: model.AuthBasic}),
				l("open", "127.0.0.1:9093", nil, model.ListenerAuthSpec{}),
			},
			IPFilter: &model.EnvironmentIPFilter{Allow: []string{"10.0.0.0/8"}, Deny: []string{"10.0.0.9"}},
			CORS:     &model.CORSSpec{Origins: []string{"https://*.example.com", "http://localhost:3000"}, AllowCredentials: true, MaxAge: model.Duration(time.Hour)},
		}), nil},
		{"duplicates", env(model.SecuritySpec{Listeners: []model.ListenerSpec{l("a", ":1", nil, model.ListenerAuthSpec{}), l("a", ":1", nil, model.ListenerAuthSpec{})}}),
			[]string{"spec.security.listeners[1].name", "spec.security.listeners[1].address"}},
		{"bad address and type", env(model.SecuritySpec{Listeners: []model.ListenerSpec{l("a", "8443", nil, model.ListenerAuthSpec{Type: "magic"})}}),
			[]string{"spec.security.listeners[0].address", "spec.security.listeners[0].authentication.type"}},
		{"tls without files", env(model.SecuritySpec{Listeners: []model.ListenerSpec{l("a", ":1", &model.ListenerTLS{MinVersion: "1.0", CipherSuites: []string{"TLS_RSA_WITH_RC4_128_SHA"}}, model.ListenerAuthSpec{})}}),
			[]string{"spec.security.listeners[0].tls", "spec.security.listeners[0].tls.minVersion", "spec.security.listeners[0].tls.cipherSuites[0]"}},
		{"files and self-signed", env(model.SecuritySpec{Listeners: []model.ListenerSpec{l("a", ":1", &model.ListenerTLS{CertFile: "c", KeyFile: "k", SelfSigned: true}, model.ListenerAuthSpec{})}}),
			[]string{"spec.security.listeners[0].tls"}},
		{"mTLS without a CA", env(model.SecuritySpec{Listeners: []model.ListenerSpec{l("a", ":1", files, model.ListenerAuthSpec{Type: model.AuthClientCertificate})}}),
			[]string{"spec.security.listeners[0].authentication.type"}},
		{"jwt without settings", env(model.SecuritySpec{Listeners: []model.ListenerSpec{l("a", ":1", files, model.ListenerAuthSpec{Type: model.AuthJWT})}}),
			[]string{"spec.security.listeners[0].authentication.jwt"}},
		{"jwt unsafe", env(model.SecuritySpec{Listeners: []model.ListenerSpec{l("a", ":1", files, model.ListenerAuthSpec{Type: model.AuthJWT, JWT: &model.JWTSpec{
			JWKSURL: "idp/jwks", Algorithms: []string{"none", "HS256"}, ClockSkew: model.Duration(time.Hour)}})}}),
			[]string{"spec.security.listeners[0].authentication.jwt.issuer", "spec.security.listeners[0].authentication.jwt.audiences",
				"spec.security.listeners[0].authentication.jwt.jwksURL", "spec.security.listeners[0].authentication.jwt.algorithms[0]",
				"spec.security.listeners[0].authentication.jwt.algorithms[1]", "spec.security.listeners[0].authentication.jwt.clockSkew"}},
		{"jwt settings on another type", env(model.SecuritySpec{Listeners: []model.ListenerSpec{l("a", ":1", files, model.ListenerAuthSpec{Type: model.AuthBasic, JWT: jwt})}}),
			[]string{"spec.security.listeners[0].authentication.jwt"}},
		{"certificate header without proxies", env(model.SecuritySpec{Listeners: []model.ListenerSpec{l("a", ":1", nil, model.ListenerAuthSpec{Type: model.AuthCertificateHeader})}}),
			[]string{"spec.security.listeners[0].authentication.certificateHeader.trustedProxies"}},
		{"bad CIDRs", env(model.SecuritySpec{IPFilter: &model.EnvironmentIPFilter{Allow: []string{"10.0.0.0/40"}, Deny: []string{"host"}}}),
			[]string{"spec.security.ipFilter.allow[0]", "spec.security.ipFilter.deny[0]"}},
		{"cors", env(model.SecuritySpec{CORS: &model.CORSSpec{Origins: []string{"*", "example.com", "https://a.*.example.com", "https://x.com/path"}, AllowCredentials: true, Methods: []string{"get"}}}),
			[]string{"spec.security.cors.origins[0]", "spec.security.cors.origins[1]", "spec.security.cors.origins[2]", "spec.security.cors.origins[3]", "spec.security.cors.methods[0]"}},
		{"cors without origins", env(model.SecuritySpec{CORS: &model.CORSSpec{}}), []string{"spec.security.cors.origins"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPaths(t, tt.env.Validate(), tt.want)
		})
	}
}

func TestEndpointRolesValidate(t *testing.T) {
	t.Parallel()
	api := &model.APISpec{BasePath: "erp", Version: "v1", Endpoints: []model.Endpoint{{Method: "GET", Path: "/x", Process: "p", Roles: []string{"admin", "bad role"}}}}
	checkPaths(t, api.Validate(), []string{"spec.endpoints[0].roles[1]"})
}
