package compile_test

import (
	"bufio"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/portico-dev/portico/internal/model"
)

const echoYAML = `
kind: Process
name: echo
spec:
  steps:
    - set:
        properties:
          outheader_X-Seen-User: '$props.inuser // "-"'
          outheader_X-Seen-Authorization: '$props["inheader_Authorization"] // "-"'
          outheader_X-Seen-Key: '$props["inheader_X-API-Key"] // "-"'
          outheader_X-Seen-Cert: '$props["inheader_X-Client-Cert"] // "-"'
          outheader_X-Seen-Wss: '$props["inheader_X-WSS-Trace"] // "-"'
    - return: {}
`

const securedAPIsYAML = echoYAML + `---
kind: API
name: %s
spec:
  basePath: %s
  version: v1
  endpoints:
    - {name: whoami, method: GET, path: /whoami, process: echo, headers: [Authorization, X-API-Key, X-Client-Cert]}
    - {name: admin, method: GET, path: /admin, process: echo, roles: [admin]}
`

// world is a runtime serving two APIs (erp, hr) behind one listener per
// authentication type, with its certificates, consumers and identity
// provider.
type world struct {
	ca, otherCA         *pki
	ada, erin, stranger tls.Certificate // signed by ca
	mallory             tls.Certificate // signed by otherCA, claims to be ada
	idp                 *jwks
	snap                *model.Snapshot
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{ca: newPKI(t, "test CA"), otherCA: newPKI(t, "other CA"), idp: newJWKS(t)}
	w.ada = w.ca.issue(t, "ada", false, time.Now().Add(time.Hour))
	w.erin = w.ca.issue(t, "erin", false, time.Now().Add(time.Hour))
	w.stranger = w.ca.issue(t, "stranger", false, time.Now().Add(time.Hour))
	w.mallory = w.otherCA.issue(t, "ada", false, time.Now().Add(time.Hour))
	certFile, keyFile := w.ca.serverFiles(t)
	files := &model.ListenerTLS{CertFile: certFile, KeyFile: keyFile}
	no := false
	snap := twoAPIs(t, 1)
	snap.Spec.Security = &model.SecuritySpec{
		Listeners: []model.ListenerSpec{
			{Name: "basic", Address: "127.0.0.2:0", TLS: files, Authentication: model.ListenerAuthSpec{Type: model.AuthBasic, Realm: "erp"}},
			{Name: "apikey", Address: "127.0.0.3:0", TLS: files, Authentication: model.ListenerAuthSpec{Type: model.AuthAPIKey}},
			{Name: "jwt", Address: "127.0.0.4:0", TLS: files, Authentication: model.ListenerAuthSpec{Type: model.AuthJWT, JWT: &model.JWTSpec{
				Issuer: "https://idp.test", Audiences: []string{"portico"}, JWKSURL: w.idp.srv.URL, RolesClaim: "realm_access.roles",
			}}},
			{Name: "mtls", Address: "127.0.0.5:0", TLS: &model.ListenerTLS{CertFile: certFile, KeyFile: keyFile, ClientCAFile: w.ca.caFile, MinVersion: "1.3"},
				Authentication: model.ListenerAuthSpec{Type: model.AuthClientCertificate}},
			{Name: "certheader", Address: "127.0.0.6:0", TLS: files, Authentication: model.ListenerAuthSpec{Type: model.AuthCertificateHeader,
				CertificateHeader: &model.CertificateHeaderSpec{TrustedProxies: []string{"127.0.0.0/8"}}}},
			{Name: "dev", Address: "127.0.0.7:0", TLS: &model.ListenerTLS{SelfSigned: true}},
			{Name: "h1only", Address: "127.0.0.8:0", TLS: &model.ListenerTLS{CertFile: certFile, KeyFile: keyFile, HTTP2: &no},
				Authentication: model.ListenerAuthSpec{Type: model.AuthAPIKey}},
		},
		CORS: &model.CORSSpec{Origins: []string{"https://app.example.com", "https://*.example.org"}, AllowCredentials: true, MaxAge: model.Duration(10 * time.Minute)},
	}
	snap.Consumers = []model.Consumer{
		{Name: "ada", PasswordHash: phc("ada-secret-pw"), TokenHashes: []string{tokenHash("ada-key")}, Roles: []string{"user"},
			Certificates: []model.ConsumerCertificate{{Fingerprint: strings.ToUpper(fingerprint(w.ada))}}, ExternalName: "ada@idp", APIs: []string{"erp"}},
		{Name: "bob", TokenHashes: []string{tokenHash("bob-key")}, Roles: []string{"admin"}, IPFilter: &model.IPFilter{Enabled: true}},
		{Name: "carol", TokenHashes: []string{tokenHash("carol-key")}, Roles: []string{"admin"}, APIs: []string{"erp/whoami"}},
		{Name: "dave", TokenHashes: []string{tokenHash("dave-key")}, Roles: []string{"admin"}, IPFilter: &model.IPFilter{Enabled: true, CIDRs: []string{"127.0.0.0/8"}}},
		{Name: "erin", Certificates: []model.ConsumerCertificate{{Subject: w.erin.Leaf.Subject.String()}}, APIs: []string{"hr"}},
		{Name: "gone", TokenHashes: []string{tokenHash("gone-key")}, Disabled: true},
		{Name: "elsewhere", TokenHashes: []string{tokenHash("elsewhere-key")}, Environments: []string{"prod"}},
	}
	env := model.Environment{Name: "dev", Spec: snap.Spec}
	if err := env.Validate(); err != nil {
		t.Fatalf("the test's environment is invalid: %v", err)
	}
	w.idp.rotate(t, "k1")
	w.snap = snap
	return w
}

// twoAPIs is a snapshot deploying api/erp and api/hr, each with its echo
// process.
func twoAPIs(t *testing.T, rev int64) *model.Snapshot {
	t.Helper()
	erp := snapshotOf(t, rev, model.Ref{Kind: model.KindAPI, Name: "erp"}, fmt.Sprintf(securedAPIsYAML, "erp", "erp"))
	hr := snapshotOf(t, rev, model.Ref{Kind: model.KindAPI, Name: "hr"}, fmt.Sprintf(securedAPIsYAML, "hr", "hr"))
	erp.Deployments = append(erp.Deployments, hr.Deployments...)
	return erp
}

func (w *world) token(t *testing.T, key *rsa.PrivateKey, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func claims(mod func(jwt.MapClaims)) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{
		"iss": "https://idp.test", "aud": []string{"portico"}, "sub": "0001", "preferred_username": "ada@idp",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"realm_access": map[string]any{"roles": []string{"admin"}},
	}
	if mod != nil {
		mod(c)
	}
	return c
}

func get(t *testing.T, c *http.Client, rawURL string, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	return do(t, c, req)
}

// echoed is what the echo process saw: its properties, "-" when unset.
func echoed(t *testing.T, a answer) map[string]string {
	t.Helper()
	if _, ok := a.header["X-Seen-User"]; !ok {
		t.Fatalf("not the echo: %d %v %s", a.status, a.header, a.body)
	}
	m := map[string]string{}
	for _, k := range []string{"User", "Authorization", "Key", "Cert", "Wss"} {
		m[k] = a.header.Get("X-Seen-" + k)
	}
	return m
}

// wantUser expects the echo run as user.
func wantUser(t *testing.T, a answer, user string) {
	t.Helper()
	if a.status != 200 {
		t.Fatalf("answer %d %s, want 200 from the echo", a.status, a.body)
	}
	if got := echoed(t, a)["User"]; got != user {
		t.Fatalf("inuser = %q, want %q", got, user)
	}
}

func wantStatus(t *testing.T, a answer, status int, contains string) {
	t.Helper()
	if a.status != status || !strings.Contains(a.body, contains) {
		t.Fatalf("answer %d %s, want %d containing %q", a.status, a.body, status, contains)
	}
	if status >= 400 && a.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("error answer is %s, want problem+json", a.header.Get("Content-Type"))
	}
}

func TestEveryAuthenticationTypeOverTLS(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	key1 := w.idp.keys["k1"]
	rt, _ := startSecured(t, w.snap)
	at := func(listener, path string) string {
		return "https://" + listenerAddr(t, rt, listener) + path
	}
	client := tlsClient(w.ca.pool)
	const whoami = "/ws/rest/erp/v1/whoami"

	t.Run("the default listener serves no API once listeners are declared", func(t *testing.T) {
		a := get(t, http.DefaultClient, "http://"+rt.Addr()+whoami)
		wantStatus(t, a, 404, "serves no APIs")
		if a := get(t, http.DefaultClient, "http://"+rt.Addr()+"/readyz"); a.status != 200 {
			t.Fatalf("readyz = %d", a.status)
		}
	})

	t.Run("health checks on a declared listener tell no details", func(t *testing.T) {
		a := get(t, client, at("apikey", "/readyz"))
		if a.status != 200 || strings.TrimSpace(a.body) != `{"ready":true,"revision":1}` {
			t.Fatalf("readyz = %d %s", a.status, a.body)
		}
		if a := get(t, client, at("apikey", "/healthz")); a.status != 200 {
			t.Fatalf("healthz = %d", a.status)
		}
	})

	t.Run("TLS 1.2 is the minimum", func(t *testing.T) {
		old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: w.ca.pool, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}}}
		if resp, err := old.Get(at("apikey", whoami)); err == nil {
			resp.Body.Close()
			t.Fatal("TLS 1.1 was accepted")
		}
	})

	t.Run("basic", func(t *testing.T) {
		a := get(t, client, at("basic", whoami), "Authorization", "Basic "+b64("ada:ada-secret-pw"), "X-WSS-Trace", "t-1")
		wantUser(t, a, "ada")
		got := echoed(t, a)
		if got["Authorization"] != "-" {
			t.Errorf("the process saw the verified Authorization header: %v", got["Authorization"])
		}
		if got["Wss"] != "t-1" {
			t.Errorf("X-WSS-Trace did not reach the process: %v", got)
		}
		// Cached: the second call answers the same.
		wantUser(t, get(t, client, at("basic", whoami), "Authorization", "basic "+b64("ada:ada-secret-pw")), "ada")
		wrongPw := get(t, client, at("basic", whoami), "Authorization", "Basic "+b64("ada:nope"))
		wrongUser := get(t, client, at("basic", whoami), "Authorization", "Basic "+b64("nobody:ada-secret-pw"))
		wantStatus(t, wrongPw, 401, "wrong user or password")
		if wrongPw.body != strings.ReplaceAll(wrongUser.body, "nobody", "ada") && wrongPw.body != wrongUser.body {
			t.Errorf("a wrong password and a wrong user answer differently:\n%s\n%s", wrongPw.body, wrongUser.body)
		}
		if got := wrongPw.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, `Basic realm="erp"`) {
			t.Errorf("WWW-Authenticate = %q", got)
		}
		wantStatus(t, get(t, client, at("basic", whoami)), 401, "authentication required")
	})

	t.Run("apiKey", func(t *testing.T) {
		a := get(t, client, at("apikey", whoami), "X-API-Key", "ada-key")
		wantUser(t, a, "ada")
		if got := echoed(t, a); got["Key"] != "-" {
			t.Errorf("the process saw the API key: %v", got)
		}
		wantStatus(t, get(t, client, at("apikey", whoami), "X-API-Key", "wrong"), 401, "not valid")
		wantStatus(t, get(t, client, at("apikey", whoami), "X-API-Key", "gone-key"), 401, "not valid")
		wantStatus(t, get(t, client, at("apikey", whoami), "X-API-Key", "elsewhere-key"), 401, "not valid")
		wantStatus(t, get(t, client, at("apikey", whoami)), 401, "X-API-Key")
		// The API filter, per API and per endpoint, and the endpoint's roles.
		wantStatus(t, get(t, client, at("apikey", "/ws/rest/hr/v1/whoami"), "X-API-Key", "ada-key"), 403, "may not call")
		wantStatus(t, get(t, client, at("apikey", "/ws/rest/erp/v1/admin"), "X-API-Key", "ada-key"), 403, "requires a role")
		wantUser(t, get(t, client, at("apikey", "/ws/rest/erp/v1/whoami"), "X-API-Key", "carol-key"), "carol")
		wantStatus(t, get(t, client, at("apikey", "/ws/rest/erp/v1/admin"), "X-API-Key", "carol-key"), 403, "may not call")
		wantStatus(t, get(t, client, at("apikey", "/ws/rest/erp/v1/openapi.json"), "X-API-Key", "carol-key"), 403, "may not call")
		wantUser(t, get(t, client, at("apikey", "/ws/rest/hr/v1/admin"), "X-API-Key", "dave-key"), "dave")
		// The consumer's IP filter: switched on with no CIDR blocks all.
		wantStatus(t, get(t, client, at("apikey", whoami), "X-API-Key", "bob-key"), 403, "address")
	})

	t.Run("jwt", func(t *testing.T) {
		a := get(t, client, at("jwt", "/ws/rest/erp/v1/admin"), "Authorization", "Bearer "+w.token(t, key1, "k1", claims(nil)))
		wantUser(t, a, "ada") // ada@idp is consumer ada; admin comes from the token
		// A user who is no consumer is let in under the token's name, with
		// the fallback to sub.
		a = get(t, client, at("jwt", "/ws/rest/hr/v1/whoami"), "Authorization", "Bearer "+w.token(t, key1, "k1", claims(func(c jwt.MapClaims) { delete(c, "preferred_username") })))
		wantUser(t, a, "0001")
		wantStatus(t, get(t, client, at("jwt", whoami)), 401, "Bearer")
		if a := get(t, client, at("jwt", whoami)); a.header.Get("WWW-Authenticate") != `Bearer realm="portico"` {
			t.Errorf("WWW-Authenticate = %q", a.header.Get("WWW-Authenticate"))
		}
	})

	t.Run("HTTP/2 where the client offers it, with the same checks", func(t *testing.T) {
		h2 := h2Client(w.ca.pool)
		a := get(t, h2, at("apikey", whoami), "X-API-Key", "ada-key")
		wantUser(t, a, "ada")
		if a.proto != 2 {
			t.Errorf("the apikey listener answered over HTTP/%d, want 2", a.proto)
		}
		if got := echoed(t, a); got["Key"] != "-" {
			t.Errorf("the process saw the API key over HTTP/2: %v", got)
		}
		refused := get(t, h2, at("apikey", whoami), "X-API-Key", "wrong")
		wantStatus(t, refused, 401, "not valid")
		if refused.proto != 2 {
			t.Errorf("the refusal came over HTTP/%d, want 2", refused.proto)
		}
		wantStatus(t, get(t, h2, at("apikey", "/ws/rest/erp/v1/admin"), "X-API-Key", "ada-key"), 403, "requires a role")
		a = get(t, h2Client(w.ca.pool, w.ada), at("mtls", whoami))
		wantUser(t, a, "ada")
		if a.proto != 2 {
			t.Errorf("the mtls listener answered over HTTP/%d, want 2", a.proto)
		}
		// http2: false keeps a listener to HTTP/1.1.
		a = get(t, h2, at("h1only", whoami), "X-API-Key", "ada-key")
		wantUser(t, a, "ada")
		if a.proto != 1 {
			t.Errorf("the http2: false listener answered over HTTP/%d, want 1.1", a.proto)
		}
	})

	t.Run("clientCertificate", func(t *testing.T) {
		a := get(t, tlsClient(w.ca.pool, w.ada), at("mtls", whoami))
		wantUser(t, a, "ada")
		wantUser(t, get(t, tlsClient(w.ca.pool, w.erin), at("mtls", "/ws/rest/hr/v1/whoami")), "erin")
		wantStatus(t, get(t, tlsClient(w.ca.pool, w.stranger), at("mtls", whoami)), 401, "belongs to no consumer")
		wantStatus(t, get(t, tlsClient(w.ca.pool), at("mtls", whoami)), 401, "client certificate")
		// A certificate of another CA never completes the handshake.
		// (GetClientCertificate sends it even though the server names the
		// CAs it trusts.)
		mallory := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: w.ca.pool,
			GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &w.mallory, nil }}}}
		if resp, err := mallory.Get(at("mtls", whoami)); err == nil {
			resp.Body.Close()
			t.Fatalf("a client certificate of an unknown CA was accepted: %d", resp.StatusCode)
		}
		// TLS 1.2 is refused where 1.3 is the minimum.
		old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: w.ca.pool, Certificates: []tls.Certificate{w.ada}, MaxVersion: tls.VersionTLS12}}}
		if _, err := old.Get(at("mtls", whoami)); err == nil {
			t.Fatal("TLS 1.2 was accepted on a listener requiring 1.3")
		}
	})

	t.Run("certificateHeader", func(t *testing.T) {
		pemCert := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: w.ada.Certificate[0]}))
		a := get(t, client, at("certheader", whoami), "X-Client-Cert", url.PathEscape(pemCert))
		wantUser(t, a, "ada")
		if got := echoed(t, a); got["Cert"] != "-" {
			t.Errorf("the process saw the certificate header: %v", got)
		}
		wantStatus(t, get(t, client, at("certheader", whoami), "X-Client-Cert", "garbage"), 400, "does not hold a certificate")
		wantStatus(t, get(t, client, at("certheader", whoami)), 401, "client certificate is required")
		// base64 DER, as some terminators send it.
		wantUser(t, get(t, client, at("certheader", "/ws/rest/hr/v1/whoami"), "X-Client-Cert", base64.StdEncoding.EncodeToString(w.erin.Certificate[0])), "erin")
	})

	t.Run("self-signed development listener", func(t *testing.T) {
		insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
		resp, err := insecure.Get(at("dev", whoami))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.TLS == nil || !strings.Contains(resp.TLS.PeerCertificates[0].Subject.String(), "self-signed") {
			t.Fatalf("self-signed listener: %d %+v", resp.StatusCode, resp.TLS)
		}
		if _, err := client.Get(at("dev", whoami)); err == nil {
			t.Fatal("a self-signed certificate verified against the test CA")
		}
	})

	t.Run("cors", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodOptions, at("apikey", whoami), nil)
		req.Header.Set("Origin", "https://shop.example.org")
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "X-API-Key, content-type")
		a := do(t, client, req)
		if a.status != 204 || a.header.Get("Access-Control-Allow-Origin") != "https://shop.example.org" ||
			a.header.Get("Access-Control-Allow-Credentials") != "true" || a.header.Get("Access-Control-Max-Age") != "600" ||
			!strings.Contains(a.header.Get("Access-Control-Allow-Headers"), "X-API-Key") {
			t.Fatalf("preflight (no credentials needed) = %d %v %s", a.status, a.header, a.body)
		}
		req.Header.Set("Origin", "https://evil.example.org.attacker.com")
		wantStatus(t, do(t, client, req), 403, "may not call")
		a = get(t, client, at("apikey", whoami), "Origin", "https://app.example.com")
		if a.status != 401 || a.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" || !strings.Contains(strings.Join(a.header.Values("Vary"), ","), "Origin") {
			t.Fatalf("a 401 to an allowed origin must be readable by the page: %d %v", a.status, a.header)
		}
		a = get(t, client, at("apikey", whoami), "Origin", "https://elsewhere.com", "X-API-Key", "ada-key")
		if a.status != 200 || a.header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("an unknown origin got CORS headers: %d %v", a.status, a.header)
		}
	})
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// rawRequest sends request text over a TLS connection as is, so that paths
// reach the server exactly as an attacker writes them.
func rawRequest(t *testing.T, addr string, roots *x509.CertPool, text string) (int, string) {
	t.Helper()
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestJWTAttacksAreRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	key1 := w.idp.keys["k1"]
	rt, _ := startSecured(t, w.snap)
	client := tlsClient(w.ca.pool)
	target := "https://" + listenerAddr(t, rt, "jwt") + "/ws/rest/erp/v1/whoami"
	call := func(tok string) answer { return get(t, client, target, "Authorization", "Bearer "+tok) }

	wantUser(t, call(w.token(t, key1, "k1", claims(nil))), "ada")

	// alg none: a token with no signature at all.
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims(nil)).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	// Algorithm confusion: HS256 keyed with the provider's public key,
	// which anyone can download.
	pub, _ := x509.MarshalPKIXPublicKey(&key1.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(nil))
	hs.Header["kid"] = "k1"
	confused, err := hs.SignedString(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	stranger, _ := rsa.GenerateKey(rand.Reader, 2048)
	valid := w.token(t, key1, "k1", claims(nil))
	parts := strings.Split(valid, ".")
	cases := []struct {
		name, token, want string
	}{
		{"expired", w.token(t, key1, "k1", claims(func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-2 * time.Minute).Unix() })), "expired"},
		{"no expiry", w.token(t, key1, "k1", claims(func(c jwt.MapClaims) { delete(c, "exp") })), "not valid"},
		{"not valid yet", w.token(t, key1, "k1", claims(func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(5 * time.Minute).Unix() })), "not valid yet"},
		{"issued in the future", w.token(t, key1, "k1", claims(func(c jwt.MapClaims) { c["iat"] = time.Now().Add(5 * time.Minute).Unix() })), "not valid yet"},
		{"wrong issuer", w.token(t, key1, "k1", claims(func(c jwt.MapClaims) { c["iss"] = "https://evil.test" })), "not valid"},
		{"wrong audience", w.token(t, key1, "k1", claims(func(c jwt.MapClaims) { c["aud"] = "someone-else" })), "not valid"},
		{"alg none", none, "not valid"},
		{"HS256 with the public key as secret", confused, "not valid"},
		{"signed by another key under a known kid", w.token(t, stranger, "k1", claims(nil)), "not valid"},
		{"tampered payload", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://idp.test","aud":"portico","preferred_username":"dave","exp":9999999999}`)) + "." + parts[2], "not valid"},
		{"garbage", "not.a.token", "not valid"},
		{"empty", "", "not Bearer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := call(tc.token)
			wantStatus(t, a, 401, tc.want)
			if !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q", a.header.Get("WWW-Authenticate"))
			}
		})
	}

	t.Run("key rotation", func(t *testing.T) {
		// The provider rotates k1 out for k2: a k2 token is unknown to the
		// cache, which fetches the set again and accepts it; k1 is revoked.
		before := w.idp.fetches.Load()
		key2 := w.idp.rotate(t, "k2")
		wantUser(t, call(w.token(t, key2, "k2", claims(nil))), "ada")
		if w.idp.fetches.Load() == before {
			t.Fatal("the JWKS was not fetched again for an unknown kid")
		}
		wantStatus(t, call(w.token(t, key1, "k1", claims(nil))), 401, "not valid")
		wantStatus(t, call(w.token(t, key2, "k9", claims(nil))), 401, "not valid")
	})
}

func TestBypassAttemptsAreRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rt, _ := startSecured(t, w.snap)
	apikey := listenerAddr(t, rt, "apikey")
	basic := listenerAddr(t, rt, "basic")
	auth := "Authorization: Basic " + b64("ada:ada-secret-pw") + "\r\n"
	// ada may call api erp only; every request below tries to reach hr or
	// to confuse what is checked with what runs.
	req := func(method, target, headers string) string {
		return method + " " + target + " HTTP/1.1\r\nHost: portico\r\nX-API-Key: ada-key\r\n" + headers + "Connection: close\r\n\r\n"
	}
	cases := []struct {
		name, addr, text string
		status           int
	}{
		{"allowed (control)", apikey, req("GET", "/ws/rest/erp/v1/whoami", ""), 200},
		{"forbidden (control)", apikey, req("GET", "/ws/rest/hr/v1/whoami", ""), 403},
		{"dot segments", apikey, req("GET", "/ws/rest/erp/v1/../../hr/v1/whoami", ""), 400},
		{"encoded dot segments", apikey, req("GET", "/ws/rest/erp/v1/%2e%2e/%2e%2e/hr/v1/whoami", ""), 400},
		{"mixed-case encoded dots", apikey, req("GET", "/ws/rest/erp/v1/%2E%2e/%2e%2E/hr/v1/whoami", ""), 400},
		{"single dot segment", apikey, req("GET", "/ws/rest/erp/v1/./whoami", ""), 400},
		{"double slash", apikey, req("GET", "/ws/rest//hr/v1/whoami", ""), 400},
		{"leading double slash", apikey, req("GET", "//ws/rest/hr/v1/whoami", ""), 400}, // not canonical
		{"encoded slash", apikey, req("GET", "/ws/rest/erp%2f..%2f..%2fhr/v1/whoami", ""), 400},
		{"encoded slash in the API root", apikey, req("GET", "/ws/rest/hr%2Fv1/whoami", ""), 400},
		{"backslashes", apikey, req("GET", "/ws/rest/erp/v1/..\\..\\hr/v1/whoami", ""), 400},
		{"encoded backslash", apikey, req("GET", "/ws/rest/erp/v1/..%5c..%5chr/v1/whoami", ""), 400},
		{"mixed-case API", apikey, req("GET", "/ws/rest/HR/v1/whoami", ""), 403},
		{"mixed-case prefix", apikey, req("GET", "/WS/REST/hr/v1/whoami", ""), 403}, // reaches no API: the API filter fails closed
		{"absolute-form target", apikey, req("GET", "https://portico/ws/rest/hr/v1/whoami", ""), 403},
		{"method override header", apikey, req("POST", "/ws/rest/erp/v1/whoami", "X-HTTP-Method-Override: GET\r\nContent-Length: 0\r\n"), 400},
		{"X-HTTP-Method", apikey, req("POST", "/ws/rest/erp/v1/whoami", "X-HTTP-Method: DELETE\r\nContent-Length: 0\r\n"), 400},
		{"X-Method-Override", apikey, req("GET", "/ws/rest/erp/v1/admin", "X-Method-Override: GET\r\n"), 400},
		{"duplicate API key", apikey, req("GET", "/ws/rest/erp/v1/whoami", "X-API-Key: dave-key\r\n"), 400},
		{"oversized headers", apikey, req("GET", "/ws/rest/erp/v1/whoami", "X-Big: "+strings.Repeat("a", 2<<20)+"\r\n"), 431},
		{"basic (control)", basic, req("GET", "/ws/rest/erp/v1/whoami", auth), 200},
		{"duplicate Authorization", basic, req("GET", "/ws/rest/erp/v1/whoami", auth+"Authorization: Basic "+b64("dave:x")+"\r\n"), 400},
		{"malformed Basic", basic, req("GET", "/ws/rest/erp/v1/whoami", "Authorization: Basic !!!notbase64\r\n"), 401},
		{"Basic without a colon", basic, req("GET", "/ws/rest/erp/v1/whoami", "Authorization: Basic "+b64("ada")+"\r\n"), 401},
		{"other scheme", basic, req("GET", "/ws/rest/erp/v1/whoami", "Authorization: Bearer abc\r\n"), 401},
		{"API key on a basic listener", basic, req("GET", "/ws/rest/erp/v1/whoami", ""), 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := rawRequest(t, tc.addr, w.ca.pool, tc.text)
			if status != tc.status {
				t.Fatalf("status %d %s, want %d", status, body, tc.status)
			}
		})
	}
}

func TestListenersChangeWithoutRestart(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rt, src := startSecured(t, w.snap)
	client := tlsClient(w.ca.pool)
	const whoami = "/ws/rest/erp/v1/whoami"
	apikey := listenerAddr(t, rt, "apikey")
	basic := listenerAddr(t, rt, "basic")
	wantUser(t, get(t, client, "https://"+apikey+whoami, "X-API-Key", "ada-key"), "ada")

	// Revision 2: the apikey listener (same address) switches to basic and
	// plain HTTP, the basic listener goes, a new one comes, and the
	// environment denies 127.0.0.9.
	next := *w.snap
	next.Revision = 2
	sec := *w.snap.Spec.Security
	sec.Listeners = []model.ListenerSpec{
		{Name: "renamed", Address: "127.0.0.3:0", Authentication: model.ListenerAuthSpec{Type: model.AuthBasic}},
		{Name: "fresh", Address: "127.0.0.8:0", Authentication: model.ListenerAuthSpec{Type: model.AuthAPIKey}},
	}
	sec.IPFilter = &model.EnvironmentIPFilter{Deny: []string{"127.0.0.9"}}
	next.Spec.Security = &sec
	src.snap.Store(&next)
	waitRevision(t, rt, 2)

	if got := listenerAddr(t, rt, "renamed"); got != apikey {
		t.Fatalf("the kept address moved: %s, was %s", got, apikey)
	}
	// The TLS connection the client kept alive was accepted under the old
	// rules: it is told to connect again, never served by them.
	a := get(t, client, "https://"+apikey+whoami, "X-API-Key", "ada-key")
	wantStatus(t, a, 503, "connect again")
	wantUser(t, get(t, http.DefaultClient, "http://"+apikey+whoami, "Authorization", "Basic "+b64("ada:ada-secret-pw")), "ada")
	wantStatus(t, get(t, http.DefaultClient, "http://"+apikey+whoami, "X-API-Key", "ada-key"), 401, "authentication required")
	fresh := listenerAddr(t, rt, "fresh")
	wantUser(t, get(t, http.DefaultClient, "http://"+fresh+whoami, "X-API-Key", "ada-key"), "ada")
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := client.Get("https://" + basic + whoami); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the removed listener still answers")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The environment's deny list, from a denied source address.
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 9)}}
	denied := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	wantStatus(t, get(t, denied, "http://"+fresh+whoami, "X-API-Key", "ada-key"), 403, "address")

	// Revision 3 takes every listener away: the default listener serves
	// the APIs again, anonymously.
	last := next
	last.Revision = 3
	last.Spec.Security = nil
	src.snap.Store(&last)
	waitRevision(t, rt, 3)
	wantUser(t, get(t, http.DefaultClient, "http://"+rt.Addr()+whoami), "")
	if n := len(rt.Status().Listeners); n != 0 {
		t.Fatalf("%d listeners left", n)
	}
}

func TestListenerThatCannotOpenKeepsThePreviousSnapshot(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rt, src := startSecured(t, w.snap)
	next := *w.snap
	next.Revision = 2
	sec := *w.snap.Spec.Security
	sec.Listeners = append([]model.ListenerSpec{}, sec.Listeners...)
	sec.Listeners[0].TLS = &model.ListenerTLS{CertFile: "/nonexistent/cert.pem", KeyFile: "/nonexistent/key.pem"}
	next.Spec.Security = &sec
	src.snap.Store(&next)
	deadline := time.Now().Add(5 * time.Second)
	for rt.Status().FailedRevision != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("revision 2 did not fail: %+v", rt.Status())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s := rt.Status(); s.Revision != 1 || !strings.Contains(s.LastError, "nonexistent") {
		t.Fatalf("status %+v", s)
	}
	wantUser(t, get(t, tlsClient(w.ca.pool), "https://"+listenerAddr(t, rt, "basic")+"/ws/rest/erp/v1/whoami",
		"Authorization", "Basic "+b64("ada:ada-secret-pw")), "ada")
}
