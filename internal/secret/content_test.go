package secret_test

import (
	"testing"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/secret"
)

func TestContentHash(t *testing.T) {
	t.Parallel()
	conn := func(dsn string) *model.Component {
		return &model.Component{Kind: model.KindConnection, Name: "db", Spec: &model.ConnectionSpec{
			Type: model.ConnectionDatabase, Database: &model.DatabaseConnection{Driver: "sqlite", DSN: model.Secret(dsn)}}}
	}
	k, k2 := mustNew(t, rawKey(1)), mustNew(t, rawKey(2))
	h := func(k *secret.Keyring, c *model.Component) string {
		t.Helper()
		s, err := secret.ContentHash(k, c)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	plain, _ := conn("file:a").ContentHash()
	tests := []struct {
		name  string
		a, b  string
		equal bool
	}{
		{"same content, same key", h(k, conn("file:a")), h(k, conn("file:a")), true},
		{"another secret", h(k, conn("file:a")), h(k, conn("file:b")), false},
		{"another key", h(k, conn("file:a")), h(k2, conn("file:a")), false},
		{"keyed differs from plain", h(k, conn("file:a")), plain, false},
		{"no key is the plain hash", h(nil, conn("file:a")), plain, true},
	}
	for _, tc := range tests {
		if (tc.a == tc.b) != tc.equal {
			t.Errorf("%s: %s vs %s, want equal=%v", tc.name, tc.a, tc.b, tc.equal)
		}
	}
	c := conn("file:a")
	h(k, c)
	if c.Spec.(*model.ConnectionSpec).Database.DSN != "file:a" {
		t.Error("ContentHash changed its argument")
	}
}
