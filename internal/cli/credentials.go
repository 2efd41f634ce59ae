package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// credentials is the file where `portico login` keeps a session token per
// control plane.
type credentials struct {
	Servers map[string]savedLogin `json:"servers"`
}

// savedLogin is one session.
type savedLogin struct {
	Username  string    `json:"username"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// credentialsPath is $XDG_CONFIG_HOME/portico/credentials.json, or
// ~/.config/portico/credentials.json.
func credentialsPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "portico", "credentials.json"), nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "portico", "credentials.json"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no place for the credentials file (set XDG_CONFIG_HOME or HOME): %w", err)
	}
	return filepath.Join(d, "portico", "credentials.json"), nil
}

// loadCredentials reads the file; a missing file is an empty one.
func loadCredentials(path string) (*credentials, error) {
	c := &credentials{Servers: map[string]savedLogin{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("read credentials %s: %w (delete the file and log in again)", path, err)
	}
	if c.Servers == nil {
		c.Servers = map[string]savedLogin{}
	}
	return c, nil
}

// save writes the file readable by its owner only, replacing it atomically so
// that a crash never leaves half a file.
func (c *credentials) save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".credentials-*.json")
	if err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save credentials: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	return nil
}
