package runtime

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-dev/portico/internal/model"
)

func TestCacheSaveAndLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := newCache(dir, "dev")
	if snap, err := c.load("dev"); snap != nil || err != nil {
		t.Fatalf("empty cache: %v, %v", snap, err)
	}
	want := &model.Snapshot{Environment: "dev", Revision: 4, Spec: model.EnvironmentSpec{PublicURL: "https://api.example.com"}, Deployments: []model.SnapshotDeployment{}}
	for rev := range int64(3) {
		want.Revision = rev + 4
		if err := c.save(want); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.load("dev")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("loaded snapshot differs (-want +got):\n%s", diff)
	}
	path := filepath.Join(dir, "runtime", "dev.snapshot.json")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %v, want 0600", fi.Mode().Perm())
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("cache directory holds %d files, want only the snapshot (no temporary files left)", len(entries))
	}
}

func TestCacheRefusesBadFiles(t *testing.T) {
	t.Parallel()
	other, err := json.Marshal(model.Snapshot{Environment: "prod", Revision: 2})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, content, want string
	}{
		{"corrupt", `{"environment":"dev","revis`, "is not a snapshot"},
		{"not json", "hello", "is not a snapshot"},
		{"other environment", string(other), `holds environment "prod"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			c := newCache(dir, "dev")
			if err := os.MkdirAll(filepath.Dir(c.path), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(c.path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			snap, err := c.load("dev")
			if snap != nil || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("load = %v, %v; want an error containing %q", snap, err, tt.want)
			}
		})
	}
}

func TestCacheDisabledWithoutDataDir(t *testing.T) {
	t.Parallel()
	c := newCache("", "dev")
	if err := c.save(&model.Snapshot{Environment: "dev"}); err != nil {
		t.Fatal(err)
	}
	if snap, err := c.load("dev"); snap != nil || err != nil {
		t.Fatalf("load = %v, %v; want nothing", snap, err)
	}
}

func TestCacheSaveFailsClearly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A file where the cache directory should be.
	if err := os.WriteFile(filepath.Join(dir, "runtime"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := newCache(dir, "dev").save(&model.Snapshot{Environment: "dev"})
	if err == nil || !strings.Contains(err.Error(), "cache directory") {
		t.Fatalf("save = %v, want an error about the cache directory", err)
	}
}
