package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// run calls Main in-process with an empty environment.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := mapEnv(map[string]string{"XDG_CONFIG_HOME": t.TempDir()})
	code = Main(context.Background(), args, strings.NewReader(stdin), &out, &errb, getenv)
	return code, out.String(), errb.String()
}

func TestMainExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"unknown command", []string{"deplyo"}, ExitUsage, `did you mean "deploy"`},
		{"unknown flag", []string{"get", "apis", "--bogus"}, ExitUsage, "unknown flag: --bogus"},
		{"get without kind", []string{"get"}, ExitUsage, "want 1 to 3 argument(s)"},
		{"get unknown kind", []string{"get", "widgets"}, ExitUsage, `unknown kind "widgets"`},
		{"unknown output", []string{"get", "apis", "-o", "xml"}, ExitUsage, `unknown output format "xml"`},
		{"apply without -f", []string{"apply"}, ExitUsage, "no input"},
		{"deploy without --env", []string{"deploy", "erp@1.0.0"}, ExitUsage, "flag --env is required"},
		{"deploy with empty version", []string{"deploy", "erp@", "--env", "dev"}, ExitUsage, "version after @ is missing"},
		{"package without --version", []string{"package", "erp"}, ExitUsage, "flag --version is required"},
		{"token create with bad role", []string{"token", "create", "--name", "x", "--role", "boss"}, ExitUsage, "unknown role"},
		{"unknown subcommand", []string{"users", "frobnicate"}, ExitUsage, `unknown command "frobnicate"`},
		{"bad server address", []string{"get", "apis", "--server", "ftp://x"}, ExitUsage, "not an http(s) URL"},
		{"serve with a bad log level", []string{"serve", "--log-level", "loud"}, ExitUsage, "--log-level"},
		{"login without terminal", []string{"login", "--server", "http://127.0.0.1:1"}, ExitError, "--password-stdin"},
		{"unreachable server", []string{"get", "apis", "--server", "http://127.0.0.1:1"}, ExitError,
			"cannot reach the Portico control plane at http://127.0.0.1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := run(t, "", tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			if !strings.HasPrefix(stderr, "error: ") || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr = %q, want 'error: ...%s...'", stderr, tt.wantStderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, out, stderr := run(t, "", "version", "-o", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v struct{ Version, Commit, GoVersion string }
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("version -o json = %q: %v", out, err)
	}
	if v.Version == "" || v.Commit == "" || !strings.HasPrefix(v.GoVersion, "go") {
		t.Errorf("version = %+v", v)
	}
	code, out, _ = run(t, "", "version")
	if code != ExitOK || !strings.HasPrefix(out, "portico ") || !strings.Contains(out, "go: go") {
		t.Errorf("version = %d %q", code, out)
	}
}

func TestBarePorticoShowsHelp(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, "")
	if code != ExitOK || !strings.Contains(out, "Available Commands") {
		t.Errorf("portico = %d %q", code, out)
	}
}
