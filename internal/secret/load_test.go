package secret_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/portico-dev/portico/internal/secret"
)

// envOf returns a getenv over m.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadGeneratesKeyFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	k1, err := secret.Load(dir, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, secret.KeyFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("key file: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %#o, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("data directory holds %d entries, want only the key file (temporary files left behind?)", len(entries))
	}
	sealed, _ := k1.Seal("pw")
	k2, err := secret.Load(dir, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if k2.ID() != k1.ID() {
		t.Fatalf("second load has key %s, first %s: the file was not reused", k2.ID(), k1.ID())
	}
	if got, err := k2.Open(sealed); err != nil || got != "pw" {
		t.Fatalf("Open after reload = %q, %v", got, err)
	}
}

func TestLoadConcurrentAgree(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			k, err := secret.Load(dir, envOf(nil))
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = k.ID()
		})
	}
	wg.Wait()
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Fatalf("concurrent loads disagree on the key: %v", ids)
		}
	}
}

func TestLoadEnv(t *testing.T) {
	t.Parallel()
	key := make([]byte, secret.KeySize)
	for i := range key {
		key[i] = byte(i)
	}
	oldKey := make([]byte, secret.KeySize)
	std := base64.StdEncoding.EncodeToString(key)
	tests := []struct {
		name    string
		env     map[string]string
		wantID  string
		wantErr string
	}{
		{"standard base64", map[string]string{secret.EnvKey: std}, secret.KeyID(key), ""},
		{"url base64 unpadded", map[string]string{secret.EnvKey: base64.RawURLEncoding.EncodeToString(key)}, secret.KeyID(key), ""},
		{"surrounding space", map[string]string{secret.EnvKey: " " + std + "\n"}, secret.KeyID(key), ""},
		{"old keys listed", map[string]string{secret.EnvKey: std, secret.EnvOldKeys: base64.StdEncoding.EncodeToString(oldKey) + "," + std}, secret.KeyID(key), ""},
		{"not base64", map[string]string{secret.EnvKey: "not base64 at all!"}, "", "PORTICO_SECRET_KEY: not base64"},
		{"too short", map[string]string{secret.EnvKey: base64.StdEncoding.EncodeToString([]byte("short"))}, "", "PORTICO_SECRET_KEY: decodes to 5 bytes, want 32"},
		{"bad old key", map[string]string{secret.EnvKey: std, secret.EnvOldKeys: "zz"}, "", "PORTICO_SECRET_KEY_OLD (key 1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			k, err := secret.Load(dir, envOf(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.ID() != tc.wantID {
				t.Fatalf("ID = %s, want %s", k.ID(), tc.wantID)
			}
			if _, err := os.Stat(filepath.Join(dir, secret.KeyFile)); !os.IsNotExist(err) {
				t.Fatalf("a key file was written although %s is set (%v)", secret.EnvKey, err)
			}
		})
	}
}

func TestLoadRotationFromEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fileKey, err := secret.Load(dir, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := fileKey.Seal("pw")
	raw, _ := os.ReadFile(filepath.Join(dir, secret.KeyFile))
	newKey, _ := secret.GenerateKey()
	env := map[string]string{secret.EnvKey: newKey}
	withoutOld, err := secret.Load(dir, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	_, err = withoutOld.Open(sealed)
	if err == nil || !strings.Contains(err.Error(), "sealed with key "+fileKey.ID()+"; PORTICO_SECRET_KEY holds "+withoutOld.ID()) {
		t.Fatalf("err = %v, want the wrong-key message naming both ids", err)
	}
	env[secret.EnvOldKeys] = strings.TrimSpace(string(raw))
	rotated, err := secret.Load(dir, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.Open(sealed); err != nil || got != "pw" {
		t.Fatalf("Open with the old key in %s = %q, %v", secret.EnvOldKeys, got, err)
	}
}

func TestLoadKeyFileProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		wantErr string
	}{
		{"readable by others", mustKey(t), 0o644, "accessible to other users"},
		{"garbage", "garbage", 0o600, "secret key file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, secret.KeyFile)
			if err := os.WriteFile(path, []byte(tc.content), tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			_, err := secret.Load(dir, envOf(nil))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestLoadNoDataDir(t *testing.T) {
	t.Parallel()
	_, err := secret.Load("", envOf(nil))
	if err == nil || !strings.Contains(err.Error(), secret.EnvKey) {
		t.Fatalf("err = %v, want one naming %s", err, secret.EnvKey)
	}
}

func mustKey(t *testing.T) string {
	t.Helper()
	k, err := secret.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
