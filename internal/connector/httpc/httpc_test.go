package httpc_test

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/internal/connector/httpc"
	"github.com/portico-dev/portico/internal/model"
	"github.com/portico-dev/portico/internal/process"
)

var _ process.HTTP = (*httpc.Client)(nil)

func newClient(t *testing.T, spec *model.HTTPConnection) *httpc.Client {
	t.Helper()
	c, err := httpc.New(spec)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestNewRequestStaysUnderBase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base, path, want string // want "" means refused
	}{
		{"http://api.test/api/v1", "users", "http://api.test/api/v1/users"},
		{"http://api.test/api/v1/", "/users/", "http://api.test/api/v1/users/"},
		{"http://api.test/api/v1", "", "http://api.test/api/v1"},
		{"http://api.test/api/v1", "users/42?expand=a&b=c", "http://api.test/api/v1/users/42?expand=a&b=c"},
		{"http://api.test/api/v1?key=k", "users?x=1", "http://api.test/api/v1/users?key=k&x=1"},
		{"http://api.test/api/v1?key=k", "users", "http://api.test/api/v1/users?key=k"},
		{"http://api.test/api/v1", "a/../b", "http://api.test/api/v1/b"},
		{"http://api.test/api/v1", "./a/./b", "http://api.test/api/v1/a/b"},
		{"http://api.test/api/v1", "files/a%2Fb", "http://api.test/api/v1/files/a%2Fb"},
		{"http://api.test/api/v1", "name/h%C3%A9llo%20w", "http://api.test/api/v1/name/h%C3%A9llo%20w"},
		{"http://api.test", "x", "http://api.test/x"},
		{"https://api.test:8443/", "/x", "https://api.test:8443/x"},
		{"http://api.test/api/v1", "../v2/users", ""},
		{"http://api.test/api/v1", "/../../etc/passwd", ""},
		{"http://api.test/api/v1", "a/../../x", ""},
		{"http://api.test/api/v1", "%2e%2e/v2", ""},
		{"http://api.test/api/v1", "..%2f..%2fadmin", ""},
		{"http://api.test", "../x", ""},
		{"http://api.test/api/v1", "http://evil.test/x", ""},
		{"http://api.test/api/v1", "//evil.test/x", ""},
		{"http://api.test/api/v1", "https:evil", ""},
		{"http://api.test/api/v1", "mailto:a@b", ""},
	}
	for _, tt := range tests {
		c := newClient(t, &model.HTTPConnection{BaseURL: tt.base})
		req, err := c.NewRequest(context.Background(), http.MethodGet, tt.path, nil)
		if tt.want == "" {
			if !errors.Is(err, model.ErrInvalid) {
				t.Errorf("base %s, path %q: error = %v, request %v; want ErrInvalid", tt.base, tt.path, err, req)
			}
			continue
		}
		if err != nil {
			t.Errorf("base %s, path %q: %v", tt.base, tt.path, err)
			continue
		}
		if got := req.URL.String(); got != tt.want {
			t.Errorf("base %s, path %q: URL %s, want %s", tt.base, tt.path, got, tt.want)
		}
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		_, _ = io.WriteString(w, r.Header.Get("Authorization")+"|"+u+":"+p+"|"+r.Header.Get("X-Api-Key")+"|"+r.URL.RequestURI())
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name string
		auth *model.HTTPAuth
		want string
	}{
		{"nil", nil, "|:||/base/ping"},
		{"none", &model.HTTPAuth{Type: "none"}, "|:||/base/ping"},
		{"basic", &model.HTTPAuth{Type: "basic", Username: "ann", Password: "pa:ss"}, "Basic YW5uOnBhOnNz|ann:pa:ss||/base/ping"},
		{"bearer", &model.HTTPAuth{Type: "bearer", Token: "tok123"}, "Bearer tok123|:||/base/ping"},
		{"header", &model.HTTPAuth{Type: "header", Header: "x-api-key", Value: "k-1"}, "|:|k-1|/base/ping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, &model.HTTPConnection{BaseURL: srv.URL + "/base", Auth: tt.auth})
			req, err := c.NewRequest(context.Background(), http.MethodPost, "/ping", strings.NewReader("body"))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if string(b) != tt.want {
				t.Errorf("server saw %q, want %q", b, tt.want)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, &model.HTTPConnection{BaseURL: srv.URL, Timeout: model.Duration(100 * time.Millisecond)})
	req, err := c.NewRequest(context.Background(), http.MethodGet, "slow", nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Do(req)
	if !errors.Is(err, model.ErrUnavailable) || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("error = %v, want ErrUnavailable, timed out", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v with a 100ms timeout", d)
	}
}

func TestRefusedAndCanceled(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	c := newClient(t, &model.HTTPConnection{BaseURL: "http://" + addr + "/api?key=secret-key"})
	req, err := c.NewRequest(context.Background(), http.MethodGet, "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(req)
	if !errors.Is(err, model.ErrUnavailable) {
		t.Fatalf("error = %v, want ErrUnavailable", err)
	}
	if msg := err.Error(); !strings.Contains(msg, addr) || !strings.Contains(msg, "connection refused") || strings.Contains(msg, "secret-key") {
		t.Errorf("message %q: want the host and the reason, not the query", msg)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, err = c.NewRequest(ctx, http.MethodGet, "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(req)
	if errors.Is(err, model.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: error = %v, want context.Canceled and not ErrUnavailable", err)
	}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "secure")
	}))
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		tls    *model.ClientTLS
		wantOK bool
	}{
		{"system roots do not know the test CA", nil, false},
		{"CA file", &model.ClientTLS{CAFile: caFile}, true},
		{"CA file and matching server name", &model.ClientTLS{CAFile: caFile, ServerName: "example.com"}, true},
		{"CA file and wrong server name", &model.ClientTLS{CAFile: caFile, ServerName: "wrong.test"}, false},
		{"insecure skip verify", &model.ClientTLS{InsecureSkipVerify: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, &model.HTTPConnection{BaseURL: srv.URL, TLS: tt.tls})
			req, err := c.NewRequest(context.Background(), http.MethodGet, "/", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Do(req)
			if !tt.wantOK {
				if !errors.Is(err, model.ErrUnavailable) || !strings.Contains(err.Error(), "TLS") {
					t.Errorf("error = %v, want ErrUnavailable naming TLS", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if b, _ := io.ReadAll(resp.Body); string(b) != "secure" {
				t.Errorf("body %q", b)
			}
		})
	}
}

func TestNewRefusesBadSpec(t *testing.T) {
	t.Parallel()
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, spec := range []*model.HTTPConnection{
		nil,
		{BaseURL: "ftp://host/x"},
		{BaseURL: "/relative"},
		{BaseURL: "http://h", Auth: &model.HTTPAuth{Type: "digest"}},
		{BaseURL: "http://h", Auth: &model.HTTPAuth{Type: "header"}},
		{BaseURL: "https://h", TLS: &model.ClientTLS{CAFile: filepath.Join(t.TempDir(), "missing.pem")}},
		{BaseURL: "https://h", TLS: &model.ClientTLS{CAFile: notPEM}},
	} {
		if _, err := httpc.New(spec); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("New(%+v) error = %v, want ErrInvalid", spec, err)
		}
	}
}
