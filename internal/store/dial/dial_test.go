package dial_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/store/dial"
)

func TestOpenSQLite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		url      func(dir string) string
		wantFile func(dir string) string
	}{
		{"empty", func(string) string { return "" }, func(dir string) string { return filepath.Join(dir, "data", "portico.db") }},
		{"sqlite:", func(string) string { return "sqlite:" }, func(dir string) string { return filepath.Join(dir, "data", "portico.db") }},
		{"absolute path", func(dir string) string { return "sqlite:" + filepath.Join(dir, "other", "x.db") }, func(dir string) string { return filepath.Join(dir, "other", "x.db") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s, err := dial.Open(context.Background(), tc.url(dir), filepath.Join(dir, "data"), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Ping(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(tc.wantFile(dir)); err != nil {
				t.Fatalf("database file: %v", err)
			}
			if tc.url(dir) == "" {
				fi, err := os.Stat(filepath.Join(dir, "data"))
				if err != nil || fi.Mode().Perm() != 0o700 {
					t.Fatalf("data dir mode = %v, %v; want 0700", fi.Mode().Perm(), err)
				}
			}
		})
	}
}

func TestOpenRelativeSQLite(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	s, err := dial.Open(context.Background(), "sqlite:rel/p.db", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(dir, "rel", "p.db")); err != nil {
		t.Fatal(err)
	}
}

func TestOpenUnknown(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"mysql://x", "file.db", "http://user:secret@host/x"} {
		_, err := dial.Open(context.Background(), u, t.TempDir(), nil)
		if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "sqlite:PATH") || !strings.Contains(err.Error(), "postgres://") {
			t.Fatalf("Open(%q) = %v, want ErrInvalid naming the accepted forms", u, err)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Fatalf("error leaks the password: %v", err)
		}
	}
}

func TestOpenUnreachablePostgres(t *testing.T) {
	t.Parallel()
	start := time.Now()
	_, err := dial.Open(context.Background(), "postgres://postgres@127.0.0.1:1/test?sslmode=disable", "", nil)
	if !errors.Is(err, model.ErrUnavailable) || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("err = %v, want ErrUnavailable naming the host", err)
	}
	if d := time.Since(start); d > 7*time.Second {
		t.Fatalf("took %v to report an unreachable database", d)
	}
}
