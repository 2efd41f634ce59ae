package cli

import (
	"net"
	"strings"
	"testing"
)

func TestRuntimeCommandRefusesIncompleteSettings(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"no control plane", []string{"runtime", "--env", "dev", "--token", "t"}, ExitUsage, "--control-plane (or PORTICO_CONTROL_PLANE) is required"},
		{"no environment", []string{"runtime", "--control-plane", "http://127.0.0.1:1", "--token", "t"}, ExitUsage, "--env (or PORTICO_ENV) is required"},
		{"no token", []string{"runtime", "--control-plane", "http://127.0.0.1:1", "--env", "dev"}, ExitUsage, "--token (or PORTICO_TOKEN) is required"},
		{"bad address", []string{"runtime", "--control-plane", "ftp://x", "--env", "dev", "--token", "t"}, ExitUsage, "not an http(s) URL"},
		{"bad log level", []string{"runtime", "--control-plane", "http://127.0.0.1:1", "--env", "dev", "--token", "t", "--log-level", "loud"}, ExitUsage, "--log-level"},
		{"bad environment", []string{"runtime", "--control-plane", "http://127.0.0.1:1", "--env", "../x", "--token", "t", "--gateway-listen", "127.0.0.1:0"}, ExitError, "not a valid environment name"},
		{"busy address", []string{"runtime", "--control-plane", "http://127.0.0.1:1", "--env", "dev", "--token", "t", "--gateway-listen", busy.Addr().String()}, ExitError, "listen on " + busy.Addr().String()},
		{"arguments", []string{"runtime", "extra"}, ExitUsage, "want 0 argument(s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := run(t, "", tt.args...)
			if code != tt.wantCode || !strings.HasPrefix(stderr, "error: ") || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tt.wantCode, stderr, tt.want)
			}
		})
	}
}
