package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// adminPassword is the bootstrap admin's password in these tests.
const adminPassword = "e2e-admin-password-1"

// baseEnv is a clean environment: nothing of the developer's own
// PORTICO_* variables or saved logins leaks into a test.
func baseEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		// serve also starts a runtime; parallel tests each need a free port.
		"PORTICO_GATEWAY_LISTEN=127.0.0.1:0",
	}
	return append(env, extra...)
}

// server is a running `portico serve`.
type server struct {
	t      *testing.T
	cmd    *exec.Cmd
	URL    string // http://127.0.0.1:PORT
	mu     sync.Mutex
	stdout bytes.Buffer
	stderr bytes.Buffer
	exited chan struct{}
	err    error // of Wait, once exited is closed
}

var listeningRE = regexp.MustCompile(`Portico control plane listening on (http://\S+)`)

// startServer runs `portico serve ARGS` and waits until it prints where it
// listens. The server is stopped when the test ends.
func startServer(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	return startVerb(t, "serve", listeningRE, 60*time.Second, env, args...)
}

// startVerb runs `portico VERB ARGS` (serve, quickstart, runtime) and waits
// until its banner ends with "Stop with Ctrl+C", within limit; the address
// is the first submatch of addrRE in the banner. The process is killed when
// the test ends.
func startVerb(t *testing.T, verb string, addrRE *regexp.Regexp, limit time.Duration, env []string, args ...string) *server {
	t.Helper()
	s := &server{t: t, exited: make(chan struct{})}
	s.cmd = exec.Command(binary, append([]string{verb}, args...)...)
	s.cmd.Env = env
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stderr = &lockedWriter{mu: &s.mu, w: &s.stderr}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		addr := ""
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.stdout.WriteString(line + "\n")
			s.mu.Unlock()
			if m := addrRE.FindStringSubmatch(line); m != nil && addr == "" {
				addr = m[1]
			}
			// The banner ends with this line; tests check all of it.
			if addr != "" && strings.HasPrefix(line, "Stop with Ctrl+C") {
				found <- addr
			}
		}
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		if s.running() {
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			t.Logf("%s stdout:\n%s\n%s stderr:\n%s", verb, s.Stdout(), verb, s.Stderr())
		}
	})
	select {
	case s.URL = <-found:
	case <-s.exited:
		t.Fatalf("portico %s exited before its banner ended (%v)\nstdout:\n%s\nstderr:\n%s", verb, s.err, s.Stdout(), s.Stderr())
	case <-time.After(limit):
		t.Fatalf("portico %s did not finish its banner within %s\nstdout:\n%s\nstderr:\n%s", verb, limit, s.Stdout(), s.Stderr())
	}
	return s
}

func (s *server) running() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// Stdout is what the server printed so far.
func (s *server) Stdout() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stdout.String()
}

// Stderr is what the server logged so far.
func (s *server) Stderr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// stop sends sig and returns the exit code.
func (s *server) stop(sig syscall.Signal) int {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatal(err)
	}
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		s.t.Fatalf("portico serve did not stop within 20s of %v", sig)
	}
	return exitCode(s.err)
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// result is one finished CLI run.
type result struct {
	args   []string
	code   int
	stdout string
	stderr string
}

// user runs CLI verbs with their own environment (config dir, server).
type user struct {
	t   *testing.T
	env []string
}

func newUser(t *testing.T, serverURL string, extra ...string) *user {
	return &user{t: t, env: baseEnv(t, append([]string{"PORTICO_SERVER=" + serverURL}, extra...)...)}
}

// run runs the CLI with stdin and returns what happened.
func (u *user) run(stdin string, args ...string) result {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = u.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		u.t.Fatalf("portico %s did not finish within 60s", strings.Join(args, " "))
	}
	return result{args: args, code: exitCode(err), stdout: out.String(), stderr: errb.String()}
}

// ok runs the CLI and fails the test unless it exits 0; it returns stdout.
func (u *user) ok(args ...string) string {
	u.t.Helper()
	r := u.run("", args...)
	if r.code != 0 {
		u.t.Fatalf("portico %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// fails runs the CLI, fails the test unless it exits with code, and returns
// the result for more checks.
func (u *user) fails(code int, args ...string) result {
	u.t.Helper()
	r := u.run("", args...)
	if r.code != code {
		u.t.Fatalf("portico %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, code, r.stdout, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "error: ") {
		u.t.Errorf("portico %s: stderr should start with 'error: ': %q", strings.Join(args, " "), r.stderr)
	}
	return r
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// contains fails the test unless s contains every one of wants.
func contains(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, s)
		}
	}
}

// lines splits output into non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// writeTemp writes content to a file in a fresh directory and returns its path.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
