package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/portico-dev/portico/internal/model"
)

// cache keeps the last snapshot that compiled on disk, so that a runtime
// started while the control plane is down still serves what was deployed.
type cache struct {
	path string // <data>/runtime/<env>.snapshot.json; "" disables the cache
}

func newCache(dataDir, env string) cache {
	if dataDir == "" {
		return cache{}
	}
	return cache{path: filepath.Join(dataDir, "runtime", env+".snapshot.json")}
}

// save writes snap atomically: a reader (or a crash) sees the old file or
// the new one, never half of one. The file is private to the user, since
// specs may hold connection settings.
func (c cache) save(snap *model.Snapshot) error {
	if c.path == "" {
		return nil
	}
	b, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create the cache directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".snapshot-*.tmp")
	if err != nil {
		return fmt.Errorf("create a temporary cache file: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // fails harmlessly once renamed
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("restrict the cache file: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write the cache file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync the cache file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close the cache file: %w", err)
	}
	if err := os.Rename(tmp, c.path); err != nil {
		return fmt.Errorf("replace the cache file: %w", err)
	}
	return nil
}

// load reads the cached snapshot of env; (nil, nil) when there is none.
func (c cache) load(env string) (*model.Snapshot, error) {
	if c.path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", c.path, err)
	}
	var snap model.Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		return nil, fmt.Errorf("%s is not a snapshot: %w", c.path, err)
	}
	if snap.Environment != env {
		return nil, fmt.Errorf("%s holds environment %q, not %q", c.path, snap.Environment, env)
	}
	return &snap, nil
}
