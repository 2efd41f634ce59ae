package execution

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/model"
)

func TestCallbackPolicy(t *testing.T) {
	t.Parallel()
	strict := NewCallbackPolicy(&model.ExecutionSettings{CallbackHosts: []string{"hooks.example.com", "*.partner.example", "10.1.2.3", "localhost"}})
	open := NewCallbackPolicy(&model.ExecutionSettings{CallbackHosts: []string{"*"}, AllowPrivateCallbacks: true})
	for _, tt := range []struct {
		policy CallbackPolicy
		url    string
		ok     bool
	}{
		{strict, "https://hooks.example.com/a", true},
		{strict, "https://HOOKS.example.com:8443/a", true},
		{strict, "https://a.b.partner.example/x", true},
		{strict, "https://partner.example/x", false}, // *.domain is subdomains only
		{strict, "https://evilpartner.example/x", false},
		{strict, "https://other.example.com/a", false},
		{strict, "http://10.1.2.3/a", false},     // allowed by name, but private
		{strict, "http://localhost:99/a", false}, // loopback name
		{strict, "ftp://hooks.example.com/a", false},
		{strict, "https://u:p@hooks.example.com/a", false},
		{strict, "/relative", false},
		{strict, "https://hooks.example.com/" + strings.Repeat("a", 2048), false},
		{open, "http://127.0.0.1:8080/a", true},
		{open, "http://[::1]:8080/a", true},
		{open, "http://0.0.0.0/a", false},
		{NewCallbackPolicy(nil), "https://hooks.example.com/a", false},
		{NewCallbackPolicy(&model.ExecutionSettings{CallbackHosts: []string{"*"}}), "http://169.254.169.254/latest", false},
		{NewCallbackPolicy(&model.ExecutionSettings{CallbackHosts: []string{"*"}}), "http://100.64.1.1/", false},
		{NewCallbackPolicy(&model.ExecutionSettings{CallbackHosts: []string{"*"}}), "http://[fd00::1]/", false},
		{NewCallbackPolicy(&model.ExecutionSettings{CallbackHosts: []string{"*"}}), "http://93.184.216.34/", true},
	} {
		err := tt.policy.Check(tt.url)
		if (err == nil) != tt.ok {
			t.Errorf("Check(%q) = %v, want ok %v", tt.url, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrCallbackRefused) {
			t.Errorf("Check(%q) = %v, not ErrCallbackRefused", tt.url, err)
		}
	}
}

// TestDialRefusesPrivateAddresses: a name the policy allows that resolves
// to a loopback address is refused when dialled, not only when checked.
func TestDialRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer srv.Close()
	client := newWebhookClient()
	strict := NewCallbackPolicy(&model.ExecutionSettings{CallbackHosts: []string{"*"}})
	req, _ := http.NewRequestWithContext(withPolicy(context.Background(), strict), http.MethodPost, srv.URL, nil)
	if _, err := client.Do(req); !errors.Is(err, ErrCallbackRefused) {
		t.Errorf("dial of a loopback address under a strict policy: %v, want ErrCallbackRefused", err)
	}
	open := NewCallbackPolicy(&model.ExecutionSettings{CallbackHosts: []string{"*"}, AllowPrivateCallbacks: true})
	req, _ = http.NewRequestWithContext(withPolicy(context.Background(), open), http.MethodPost, srv.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("dial with private addresses allowed: %v", err)
	}
	resp.Body.Close()
}
