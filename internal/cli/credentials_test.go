package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCredentialsSaveIsPrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	getenv := mapEnv(map[string]string{"XDG_CONFIG_HOME": dir})
	path, err := credentialsPath(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "portico", "credentials.json"); path != want {
		t.Fatalf("path = %s, want %s", path, want)
	}
	c, err := loadCredentials(path)
	if err != nil || len(c.Servers) != 0 {
		t.Fatalf("a missing file should load empty: %v, %v", c, err)
	}
	c.Servers["http://h:1"] = savedLogin{Username: "admin", Token: "tok", ExpiresAt: time.Now().Add(time.Hour)}
	if err := c.save(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials mode = %v, want 0600", fi.Mode().Perm())
	}
	again, err := loadCredentials(path)
	if err != nil || again.Servers["http://h:1"].Token != "tok" {
		t.Fatalf("reloaded = %+v, %v", again, err)
	}
}

func TestCredentialsPathFallsBackToHome(t *testing.T) {
	t.Parallel()
	path, err := credentialsPath(mapEnv(map[string]string{"HOME": "/home/u"}))
	if err != nil || path != "/home/u/.config/portico/credentials.json" {
		t.Fatalf("path = %s, %v", path, err)
	}
}

func TestResolveToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "portico", "credentials.json")
	c := &credentials{Servers: map[string]savedLogin{
		"http://live:1":    {Token: "saved", ExpiresAt: time.Now().Add(time.Hour)},
		"http://expired:1": {Token: "old", ExpiresAt: time.Now().Add(-time.Hour)},
	}}
	if err := c.save(path); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, server, flag, envToken, want string
	}{
		{"flag first", "http://live:1", "flag", "env", "flag"},
		{"then PORTICO_TOKEN", "http://live:1", "", "env", "env"},
		{"then the saved login", "http://live:1/", "", "", "saved"},
		{"never an expired one", "http://expired:1", "", "", ""},
		{"nor another server's", "http://other:1", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := &env{getenv: mapEnv(map[string]string{"XDG_CONFIG_HOME": dir, "PORTICO_TOKEN": tt.envToken})}
			o := &clientOpts{e: e, server: tt.server, token: tt.flag}
			if got := o.resolveToken(); got != tt.want {
				t.Errorf("token = %q, want %q", got, tt.want)
			}
		})
	}
}

func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}
