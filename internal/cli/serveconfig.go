package cli

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/portico-dev/portico/internal/secret"
)

// serveConfig is what serve and quickstart are started with.
type serveConfig struct {
	listen        string
	data          string
	store         string
	gatewayListen string // the runtime's shared web server
	redis         string // where the runtimes share rate limits and quotas
	adminPassword string // from PORTICO_ADMIN_PASSWORD only, never a flag (argv is visible to all)
	logLevel      string
	secretEnv     map[string]string // PORTICO_SECRET_KEY(_OLD), env only like the admin password
	tel           *telemetryFlags
	stdHTTP       bool
}

// addServeFlags registers the flags of serve and quickstart; each defaults
// to its environment variable, then to the documented default.
func addServeFlags(cmd *cobra.Command, e *env) *serveConfig {
	c := &serveConfig{adminPassword: e.getenv("PORTICO_ADMIN_PASSWORD"), secretEnv: map[string]string{
		secret.EnvKey:     e.getenv(secret.EnvKey),
		secret.EnvOldKeys: e.getenv(secret.EnvOldKeys),
	}}
	f := cmd.Flags()
	f.StringVar(&c.listen, "listen", envOr(e, "PORTICO_LISTEN", "127.0.0.1:8080"), "address of the platform API (env PORTICO_LISTEN; port 0 picks a free one)")
	f.StringVar(&c.data, "data", envOr(e, "PORTICO_DATA", "./portico-data"), "data directory: SQLite store, runtime cache (env PORTICO_DATA)")
	f.StringVar(&c.store, "store", envOr(e, "PORTICO_STORE", "sqlite:"), "store: sqlite: (in the data directory) or postgres://... (env PORTICO_STORE)")
	f.StringVar(&c.gatewayListen, "gateway-listen", envOr(e, "PORTICO_GATEWAY_LISTEN", "127.0.0.1:9090"), "address of the runtime's shared web server (env PORTICO_GATEWAY_LISTEN; port 0 picks a free one; off: a control plane without runtime)")
	f.StringVar(&c.redis, "redis", e.getenv("PORTICO_REDIS"), "Redis where runtimes share rate limits and quotas, e.g. redis://127.0.0.1:6379/0 (env PORTICO_REDIS; none: each runtime counts its own)")
	f.StringVar(&c.logLevel, "log-level", envOr(e, "PORTICO_LOG_LEVEL", "info"), "debug, info, warn or error (env PORTICO_LOG_LEVEL)")
	c.tel = addTelemetryFlags(cmd, e)
	addStdHTTPFlag(cmd, e, &c.stdHTTP)
	return c
}

// gatewayOff as --gateway-listen starts no runtime with serve.
const gatewayOff = "off"

func envOr(e *env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// keyring loads the key that seals secrets in the store: PORTICO_SECRET_KEY,
// or the key file in the data directory, created on first start.
func (c *serveConfig) keyring() (*secret.Keyring, error) {
	k, err := secret.Load(c.data, func(name string) string { return c.secretEnv[name] })
	if err != nil {
		return nil, fmt.Errorf("secret key (%s, or %s in --data): %w", secret.EnvKey, secret.KeyFile, err)
	}
	return k, nil
}

// level reads --log-level.
func (c *serveConfig) level() (slog.Level, error) { return parseLevel(c.logLevel) }

// parseLevel reads a --log-level value.
func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, usagef("--log-level: %q is not one of debug, info, warn, error", s)
	}
	return l, nil
}

// isSQLite reports whether the store is a SQLite file.
func (c *serveConfig) isSQLite() bool {
	return c.store == "" || strings.HasPrefix(c.store, "sqlite:")
}

// storeLabel describes the store for people, without its password.
func (c *serveConfig) storeLabel() string {
	if c.store == "" || c.store == "sqlite:" {
		return fmt.Sprintf("SQLite in %s", c.data)
	}
	if path, ok := strings.CutPrefix(c.store, "sqlite:"); ok {
		return "SQLite file " + path
	}
	if u, err := url.Parse(c.store); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return "(store address not shown: it does not parse as a URL)"
}
