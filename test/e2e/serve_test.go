package e2e

import (
	"net"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeGeneratesAdminPasswordOnce: without PORTICO_ADMIN_PASSWORD the first
// start prints a password that works; a restart on the same data keeps
// everything and prints none.
func TestServeGeneratesAdminPasswordOnce(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	env := baseEnv(t)
	srv := startServer(t, env, "--listen", "127.0.0.1:0", "--data", data)
	m := regexp.MustCompile(`admin password: (\S+) \(shown once; set PORTICO_ADMIN_PASSWORD to choose it\)`).FindStringSubmatch(srv.Stdout())
	if m == nil {
		t.Fatalf("no generated admin password in:\n%s", srv.Stdout())
	}
	u := newUser(t, srv.URL)
	if r := u.run(m[1]+"\n", "login", "--password-stdin"); r.code != 0 {
		t.Fatalf("login with the generated password: %s", r.stderr)
	}
	u.ok("apply", "-f", "testdata/erp.yaml")
	if code := srv.stop(syscall.SIGINT); code != 0 {
		t.Fatalf("serve exited %d on SIGINT", code)
	}

	again := startServer(t, env, "--listen", "127.0.0.1:0", "--data", data)
	if strings.Contains(again.Stdout(), "admin password:") {
		t.Errorf("a restart printed a new admin password:\n%s", again.Stdout())
	}
	u = newUser(t, again.URL)
	if r := u.run(m[1]+"\n", "login", "--password-stdin"); r.code != 0 {
		t.Fatalf("login after restart: %s", r.stderr)
	}
	contains(t, "get apis after restart", u.ok("get", "apis"), "erp")
	if code := again.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("serve exited %d on SIGTERM", code)
	}
}

// TestServeFailsClearly: a store or address that cannot work ends serve at
// once with a message that names it.
func TestServeFailsClearly(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Cleanup, not defer: the parallel subtests run after this function returns.
	t.Cleanup(func() { busy.Close() })
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"unreachable PostgreSQL", []string{"--store", "postgres://127.0.0.1:1/x"}, []string{"store", "127.0.0.1:1"}},
		{"unknown store", []string{"--store", "mysql://127.0.0.1/x"}, []string{"store", "mysql"}},
		{"address in use", []string{"--listen", busy.Addr().String()}, []string{"listen on " + busy.Addr().String()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"serve", "--listen", "127.0.0.1:0", "--data", t.TempDir()}, tt.args...)
			cmd := exec.Command(binary, args...)
			cmd.Env = baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword)
			start := time.Now()
			done := make(chan struct{})
			var out []byte
			var runErr error
			go func() {
				out, runErr = cmd.CombinedOutput()
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				<-done
				t.Fatalf("serve %v still running after 30s:\n%s", tt.args, out)
			}
			code := exitCode(runErr)
			if code == 0 {
				t.Fatalf("serve %v exited 0:\n%s", tt.args, out)
			}
			s := string(out)
			if !strings.Contains(s, "error: ") {
				t.Errorf("no 'error: ' line in:\n%s", s)
			}
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("output does not name %q:\n%s", w, s)
				}
			}
			if strings.Contains(s, "listening on") {
				t.Errorf("serve claimed to listen:\n%s", s)
			}
			t.Logf("failed in %v with exit %d", time.Since(start).Round(time.Millisecond), code)
		})
	}
}
