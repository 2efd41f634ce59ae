package model_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
)

func TestRedactSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec func() model.Spec
		want func() model.Spec
	}{
		{
			"database DSN",
			func() model.Spec {
				return &model.ConnectionSpec{Type: model.ConnectionDatabase, Database: &model.DatabaseConnection{Driver: "postgres", DSN: "postgres://u:pw@db/x", MaxOpenConns: 4}}
			},
			func() model.Spec {
				return &model.ConnectionSpec{Type: model.ConnectionDatabase, Database: &model.DatabaseConnection{Driver: "postgres", DSN: "******", MaxOpenConns: 4}}
			},
		},
		{
			"http auth: every non-empty secret, empty ones stay empty",
			func() model.Spec {
				return &model.ConnectionSpec{Type: model.ConnectionHTTP, HTTP: &model.HTTPConnection{BaseURL: "https://x.example.com",
					Auth: &model.HTTPAuth{Type: "basic", Username: "u", Password: "pw"}, TLS: &model.ClientTLS{ServerName: "x"}}}
			},
			func() model.Spec {
				return &model.ConnectionSpec{Type: model.ConnectionHTTP, HTTP: &model.HTTPConnection{BaseURL: "https://x.example.com",
					Auth: &model.HTTPAuth{Type: "basic", Username: "u", Password: "******"}, TLS: &model.ClientTLS{ServerName: "x"}}}
			},
		},
		{
			"no secrets: an equal copy",
			func() model.Spec {
				return &model.APISpec{BasePath: "erp", Version: "v1", Endpoints: []model.Endpoint{{Method: "GET", Path: "/c", Process: "p"}}}
			},
			func() model.Spec {
				return &model.APISpec{BasePath: "erp", Version: "v1", Endpoints: []model.Endpoint{{Method: "GET", Path: "/c", Process: "p"}}}
			},
		},
		{"nil", func() model.Spec { return nil }, func() model.Spec { return nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			orig := tc.spec()
			got := model.RedactSecrets(orig)
			if diff := cmp.Diff(tc.want(), got); diff != "" {
				t.Errorf("RedactSecrets (-want +got):\n%s", diff)
			}
			// The original is untouched: a deep copy, not shared pointers.
			if diff := cmp.Diff(tc.spec(), orig); diff != "" {
				t.Errorf("RedactSecrets changed its argument (-before +after):\n%s", diff)
			}
		})
	}
}

func TestRedactSecretsJSON(t *testing.T) {
	t.Parallel()
	spec := &model.ConnectionSpec{Type: model.ConnectionHTTP, HTTP: &model.HTTPConnection{BaseURL: "https://x.example.com",
		Auth: &model.HTTPAuth{Type: "header", Header: "X-Key", Value: "k-123"}}}
	b, err := json.Marshal(model.RedactSecrets(spec))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "k-123") || !strings.Contains(string(b), `"value":"******"`) {
		t.Errorf("redacted JSON %s", b)
	}
}

func TestMapSecrets(t *testing.T) {
	t.Parallel()
	spec := &model.ConnectionSpec{Type: model.ConnectionHTTP, HTTP: &model.HTTPConnection{BaseURL: "https://x.example.com",
		Auth: &model.HTTPAuth{Type: "basic", Username: "u", Password: "pw"}}}
	var paths []string
	got, err := model.MapSecrets(spec, func(path string, s model.Secret) (model.Secret, error) {
		paths = append(paths, path)
		return "<" + s + ">", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"spec.http.auth.password", "spec.http.auth.token", "spec.http.auth.value"}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	a := got.(*model.ConnectionSpec).HTTP.Auth
	if a.Password != "<pw>" || a.Token != "<>" || a.Username != "u" {
		t.Errorf("mapped auth = %+v", a.Password.Reveal()+" "+a.Token.Reveal())
	}
	if spec.HTTP.Auth.Password != "pw" {
		t.Error("MapSecrets changed its argument")
	}

	boom := errors.New("boom")
	if _, err := model.MapSecrets(spec, func(string, model.Secret) (model.Secret, error) { return "", boom }); !errors.Is(err, boom) {
		t.Errorf("err = %v, want fn's error", err)
	}
	db := &model.ConnectionSpec{Type: model.ConnectionDatabase, Database: &model.DatabaseConnection{Driver: "sqlite", DSN: "file:x"}}
	paths = nil
	if _, err := model.MapSecrets(db, func(p string, s model.Secret) (model.Secret, error) { paths = append(paths, p); return s, nil }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"spec.database.dsn"}, paths); diff != "" {
		t.Errorf("database paths (-want +got):\n%s", diff)
	}
}
