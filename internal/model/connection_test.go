package model_test

import (
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestConnectionSpecValidate(t *testing.T) {
	t.Parallel()
	db := func(mod func(*model.DatabaseConnection)) *model.ConnectionSpec {
		d := &model.DatabaseConnection{Driver: "postgres", DSN: "postgres://erp@db/erp"}
		if mod != nil {
			mod(d)
		}
		return &model.ConnectionSpec{Type: model.ConnectionDatabase, Database: d}
	}
	web := func(mod func(*model.HTTPConnection)) *model.ConnectionSpec {
		h := &model.HTTPConnection{BaseURL: "https://api.example.com/v2"}
		if mod != nil {
			mod(h)
		}
		return &model.ConnectionSpec{Type: model.ConnectionHTTP, HTTP: h}
	}
	tests := []struct {
		name string
		spec *model.ConnectionSpec
		want []string
	}{
		{"database minimal", db(nil), nil},
		{"database sqlite with pool", db(func(d *model.DatabaseConnection) {
			d.Driver, d.DSN, d.MaxOpenConns, d.MaxIdleConns, d.ConnMaxLifetime = "sqlite", "file:erp.db", 10, 2, model.Duration(60e9)
		}), nil},
		{"database mysql", db(func(d *model.DatabaseConnection) { d.Driver = "mysql" }), nil},
		{"database unknown driver", db(func(d *model.DatabaseConnection) { d.Driver = "oracle" }), []string{"spec.database.driver"}},
		{"database driver case matters", db(func(d *model.DatabaseConnection) { d.Driver = "Postgres" }), []string{"spec.database.driver"}},
		{"database no dsn", db(func(d *model.DatabaseConnection) { d.DSN = "" }), []string{"spec.database.dsn"}},
		{"database negatives", db(func(d *model.DatabaseConnection) {
			d.MaxOpenConns, d.MaxIdleConns, d.ConnMaxLifetime = -1, -1, -1
		}), []string{"spec.database.maxOpenConns", "spec.database.maxIdleConns", "spec.database.connMaxLifetime"}},
		{"database missing block", &model.ConnectionSpec{Type: "database"}, []string{"spec.database"}},
		{"database with http block", &model.ConnectionSpec{Type: "database", Database: db(nil).Database, HTTP: web(nil).HTTP}, []string{"spec.http"}},
		{"database everything wrong", &model.ConnectionSpec{Type: "database", Database: &model.DatabaseConnection{}},
			[]string{"spec.database.driver", "spec.database.dsn"}},

		{"http minimal", web(nil), nil},
		{"http plain", web(func(h *model.HTTPConnection) { h.BaseURL = "http://127.0.0.1:8081" }), nil},
		{"http full", web(func(h *model.HTTPConnection) {
			h.Timeout = model.Duration(5e9)
			h.Auth = &model.HTTPAuth{Type: "basic", Username: "svc", Password: "pw"}
			h.TLS = &model.ClientTLS{CAFile: "/etc/ca.pem", ServerName: "api"}
		}), nil},
		{"http auth none", web(func(h *model.HTTPConnection) { h.Auth = &model.HTTPAuth{Type: "none"} }), nil},
		{"http auth empty type", web(func(h *model.HTTPConnection) { h.Auth = &model.HTTPAuth{} }), nil},
		{"http bearer", web(func(h *model.HTTPConnection) { h.Auth = &model.HTTPAuth{Type: "bearer", Token: "t"} }), nil},
		{"http header", web(func(h *model.HTTPConnection) {
			h.Auth = &model.HTTPAuth{Type: "header", Header: "X-Api-Key", Value: "k"}
		}), nil},
		{"http relative url", web(func(h *model.HTTPConnection) { h.BaseURL = "/v2" }), []string{"spec.http.baseURL"}},
		{"http ftp url", web(func(h *model.HTTPConnection) { h.BaseURL = "ftp://example.com" }), []string{"spec.http.baseURL"}},
		{"http no host", web(func(h *model.HTTPConnection) { h.BaseURL = "https://" }), []string{"spec.http.baseURL"}},
		{"http empty url", web(func(h *model.HTTPConnection) { h.BaseURL = "" }), []string{"spec.http.baseURL"}},
		{"http negative timeout", web(func(h *model.HTTPConnection) { h.Timeout = -1 }), []string{"spec.http.timeout"}},
		{"http basic no username", web(func(h *model.HTTPConnection) { h.Auth = &model.HTTPAuth{Type: "basic"} }), []string{"spec.http.auth.username"}},
		{"http bearer no token", web(func(h *model.HTTPConnection) { h.Auth = &model.HTTPAuth{Type: "bearer"} }), []string{"spec.http.auth.token"}},
		{"http header no header", web(func(h *model.HTTPConnection) { h.Auth = &model.HTTPAuth{Type: "header"} }), []string{"spec.http.auth.header"}},
		{"http unknown auth", web(func(h *model.HTTPConnection) { h.Auth = &model.HTTPAuth{Type: "oauth2"} }), []string{"spec.http.auth.type"}},
		{"http missing block", &model.ConnectionSpec{Type: "http"}, []string{"spec.http"}},
		{"http with database block", &model.ConnectionSpec{Type: "http", HTTP: web(nil).HTTP, Database: db(nil).Database}, []string{"spec.database"}},

		{"no type", &model.ConnectionSpec{}, []string{"spec.type"}},
		{"unknown type", &model.ConnectionSpec{Type: "ldap"}, []string{"spec.type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkPaths(t, tt.spec.Validate(), tt.want)
		})
	}
}

func TestConnectionSpecIdentity(t *testing.T) {
	t.Parallel()
	s := &model.ConnectionSpec{}
	if s.Kind() != model.KindConnection {
		t.Errorf("Kind() = %q", s.Kind())
	}
	if refs := s.References(); len(refs) != 0 {
		t.Errorf("References() = %v, want none", refs)
	}
}
