package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestJWTListenerAppliedToARunningRuntime: the ERP sample serves on the
// default listener; applying the dev environment with a TLS listener that
// takes JWTs from an identity provider moves the APIs there without a
// restart, and applying it without security brings them back.
func TestJWTListenerAppliedToARunningRuntime(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
			"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
		}}})
	}))
	defer idp.Close()

	data := filepath.Join(t.TempDir(), "portico-data")
	env := baseEnv(t, "PORTICO_ADMIN_PASSWORD="+adminPassword)
	qs := startQuickstart(t, env, "--listen", "127.0.0.1:0", "--gateway-listen", "127.0.0.1:0", "--data", data)
	api := quickstartURLs(t, qs.Stdout())["API"]
	gateway := strings.TrimSuffix(api, "/ws/rest/erp/v1")
	if status, _ := do(t, http.MethodGet, api+"/customers/1", nil, ""); status != http.StatusOK {
		t.Fatalf("the sample does not serve: %d", status)
	}
	admin := newUser(t, qs.URL)
	if r := admin.run(adminPassword+"\n", "login", "--username", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	admin.ok("apply", "-f", writeTemp(t, "env.yaml", fmt.Sprintf(`kind: Environment
name: dev
spec:
  security:
    listeners:
      - name: sso
        address: 127.0.0.1:0
        tls: {selfSigned: true}
        authentication:
          type: jwt
          jwt:
            issuer: https://idp.test
            audiences: [portico]
            jwksURL: %s
`, idp.URL)))

	listener := waitListener(t, gateway, "sso")
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 20 * time.Second}
	call := func(base, bearer string) (int, http.Header, string) {
		req, _ := http.NewRequest(http.MethodGet, base+"/ws/rest/erp/v1/customers/1", nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := insecure.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": "https://idp.test", "aud": "portico", "preferred_username": "ada",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Minute).Unix(),
	})
	tok.Header["kid"] = "k1"
	signed, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, body := call("https://"+listener, signed); status != http.StatusOK || !strings.Contains(body, `"id":1`) {
		t.Fatalf("with a token: %d %s", status, body)
	}
	if status, h, body := call("https://"+listener, ""); status != http.StatusUnauthorized || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") ||
		h.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("without a token: %d %v %s", status, h, body)
	}
	if status, _, _ := call(gateway, ""); status != http.StatusNotFound {
		t.Fatalf("the default listener still serves the API: %d", status)
	}

	// Without security, the default listener serves anonymously again.
	admin.ok("apply", "-f", writeTemp(t, "env2.yaml", "kind: Environment\nname: dev\n"))
	deadline := time.Now().Add(20 * time.Second)
	for {
		if status, _, _ := call(gateway, ""); status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the default listener did not serve the API again")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code := qs.stop(syscall.SIGTERM); code != 0 {
		t.Fatalf("exit %d\n%s", code, qs.Stderr())
	}
}

// waitListener polls the runtime's /readyz until it lists the listener and
// returns its address.
func waitListener(t *testing.T, gateway, name string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		_, body := do(t, http.MethodGet, gateway+"/readyz", nil, "")
		var s struct {
			Listeners []struct{ Name, Address string } `json:"listeners"`
			LastError string                           `json:"lastError"`
		}
		_ = json.Unmarshal(body, &s)
		for _, l := range s.Listeners {
			if l.Name == name {
				return l.Address
			}
		}
		if s.LastError != "" {
			t.Fatalf("the runtime refused the snapshot: %s", s.LastError)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("listener %s never opened", name)
	return ""
}
